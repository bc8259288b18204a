/**
 * Notices changes in one directory, in Bun and in Deno. `node:fs` watch is the fast trigger, but
 * it is not reliable everywhere (network file systems, a directory replaced or created later),
 * so a periodic tick is the safety net: the caller rescans on both and diffs what it finds.
 */
import { type FSWatcher, statSync, watch } from "node:fs";

export interface WatchDirectoryOptions {
  readonly dir: string;
  /** Milliseconds between safety-net ticks. */
  readonly intervalMs: number;
  /**
   * Called with the name of an entry the OS reported as changed, or with undefined when anything
   * may have changed (every tick, and OS events that carry no name). Must not throw.
   */
  readonly onChange: (name: string | undefined) => void;
}

export interface DirectoryWatch {
  /** Stops the OS watch and the ticks; nothing keeps the process alive afterwards. */
  close(): void;
}

export function watchDirectory(options: WatchDirectoryOptions): DirectoryWatch {
  let closed = false;
  let watcher: FSWatcher | undefined;
  let watchedInode: number | bigint | undefined;

  const stopWatcher = (): void => {
    watcher?.close();
    watcher = undefined;
    watchedInode = undefined;
  };

  // (Re)starts the OS watch when the directory exists and is not the one already watched: it may
  // appear after we start, or be deleted and created again, which silently ends an OS watch.
  const ensureWatcher = (): void => {
    let inode: number | bigint;
    try {
      inode = statSync(options.dir).ino;
    } catch {
      stopWatcher();
      return;
    }
    if (watcher !== undefined && watchedInode === inode) return;
    stopWatcher();
    try {
      const started = watch(options.dir, (_event, name) => {
        if (!closed) options.onChange(typeof name === "string" ? name : undefined);
      });
      // Bun throws at once for a missing directory; Deno reports it here, later.
      started.on("error", () => {
        if (watcher === started) stopWatcher();
        else started.close();
      });
      watcher = started;
      watchedInode = inode;
    } catch {
      stopWatcher();
    }
  };

  ensureWatcher();
  const timer = setInterval(() => {
    if (closed) return;
    ensureWatcher();
    options.onChange(undefined);
  }, options.intervalMs);

  return {
    close() {
      closed = true;
      clearInterval(timer);
      stopWatcher();
    },
  };
}
