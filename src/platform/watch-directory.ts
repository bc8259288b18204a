/**
 * Notices changes in one directory, in Bun and in Deno. `node:fs` watch names the entry that
 * changed, so the caller can look at that one alone. It is not reliable everywhere (network file
 * systems, a directory replaced or created later, an event queue that overflows), so ticks are
 * the safety net: slow while the OS watch runs, fast (the poll) while there is none.
 */
import { type FSWatcher, statSync, watch } from "node:fs";
import { type CancelTimer, type Clock, systemClock } from "../time/clock.ts";

export interface WatchDirectoryOptions {
  readonly dir: string;
  /** Milliseconds between ticks while no OS watch runs (no directory yet, no watch support). */
  readonly pollIntervalMs: number;
  /** Milliseconds between safety-net ticks while one does. */
  readonly rescanIntervalMs: number;
  /**
   * Called with the name of an entry the OS reported as changed, or with undefined when anything
   * may have changed (every tick, and OS events that carry no name). Must not throw.
   */
  readonly onChange: (name: string | undefined) => void;
  /** Runs the ticks; the system clock by default. */
  readonly clock?: Clock;
}

export interface DirectoryWatch {
  /** Stops the OS watch and the ticks; nothing keeps the process alive afterwards. */
  close(): void;
}

export function watchDirectory(options: WatchDirectoryOptions): DirectoryWatch {
  let closed = false;
  let watcher: FSWatcher | undefined;
  let watchedInode: number | bigint | undefined;
  const clock = options.clock ?? systemClock;
  let cancelTick: CancelTimer | undefined;

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
        if (watcher === started) {
          stopWatcher();
          // Back to polling now: the OS no longer reports anything.
          if (!closed) tick();
        } else started.close();
      });
      watcher = started;
      watchedInode = inode;
    } catch {
      stopWatcher();
    }
  };

  const arm = (): void => {
    cancelTick?.();
    cancelTick = clock.setTimer(
      tick,
      watcher === undefined ? options.pollIntervalMs : options.rescanIntervalMs,
    );
  };

  function tick(): void {
    if (closed) return;
    ensureWatcher();
    arm();
    options.onChange(undefined);
  }

  ensureWatcher();
  arm();

  return {
    close() {
      closed = true;
      cancelTick?.();
      stopWatcher();
    },
  };
}
