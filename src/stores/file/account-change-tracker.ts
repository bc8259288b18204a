/**
 * Turns "something in accounts/ may have changed" into exactly one store event per real change.
 * It remembers a stamp and a content hash per file and reports only files whose content changed.
 * A file the OS names is read on its own, so a change costs the same with ten files or 100,000;
 * a full rescan (stat every file, read the changed ones) runs only as the safety net, when the
 * OS cannot say which file changed (a Kubernetes `..data` swap, an event without a name), and
 * as the poll where the OS reports nothing. The store's own writes are announced through
 * begin/end, so they are reported at once and never a second time.
 */
import * as path from "node:path";
import type { Account } from "../../accounts/account.ts";
import { mapLimited } from "../../platform/map-limited.ts";
import { watchDirectory } from "../../platform/watch-directory.ts";
import type { StoreEvent } from "../account-store.ts";
import {
  type DirectoryScan,
  idFromFileName,
  isAccountFileName,
  listAccountFileNames,
  loadAccountFile,
  readStamp,
  scanDirectorySync,
} from "./account-directory.ts";
import type { BrokenFileReports } from "./broken-file-reports.ts";

export interface AccountChangeTrackerOptions {
  readonly dir: string;
  /** Milliseconds between rescans while the OS reports no changes (no directory, no watch). */
  readonly pollIntervalMs: number;
  /** Milliseconds between safety-net rescans while it does. */
  readonly rescanIntervalMs: number;
  readonly reports: BrokenFileReports;
  readonly emit: (event: StoreEvent) => void;
  readonly onScanError: (error: unknown) => void;
}

export type OwnChange =
  | { readonly type: "wrote"; readonly hash: string; readonly account: Account }
  | { readonly type: "removed" }
  | { readonly type: "failed" };

export interface AccountChangeTracker {
  /** The store is about to write or delete `name`; rescans leave it alone until end(). */
  begin(name: string): void;
  end(name: string, change: OwnChange): void;
  /**
   * What the scan at the start read, once, and only in the same turn of the event loop in which
   * watching began: nothing can have been reported since, so a first list() needs no second read.
   */
  takeStartingScan(): DirectoryScan | undefined;
  close(): void;
}

interface KnownFile {
  /** Empty when unknown, which makes the next scan read the file. */
  readonly stamp: string;
  readonly hash: string;
  readonly state: "account" | "broken";
}

/** Files read or stat'ed at once by a rescan or a burst of named changes. */
const CONCURRENT_READS = 16;
/** A burst of changes (an editor's save, a writer's rename) is read once, after it settles. */
const DEBOUNCE_MS = 15;

/** What a name the OS reports asks for: read that file, rescan everything, or nothing. */
function requestOf(name: string | undefined): "file" | "all" | "none" {
  if (name === undefined) return "all";
  if (isAccountFileName(name)) return "file";
  // Kubernetes swaps `..data` (and the `..<timestamp>` directory it points to) under links that
  // themselves never change: only a rescan sees which account files now read differently.
  if (name.startsWith("..")) return "all";
  // Our lock and temporary files (so our own writes never start a rescan), editors' swap files,
  // notes: none is an account.
  return "none";
}

export function startAccountChangeTracker(options: AccountChangeTrackerOptions): AccountChangeTracker {
  const { dir, reports, emit } = options;
  const known = new Map<string, KnownFile>();
  const inFlight = new Set<string>();
  const named = new Set<string>();
  let rescanWanted = false;
  let closed = false;
  let running = false;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  // A read awaits between reading and recording; a write of ours may have happened meanwhile.
  const untouched = (name: string, before: KnownFile | undefined): boolean =>
    !closed && !inFlight.has(name) && known.get(name) === before;

  const forget = (name: string, before: KnownFile): void => {
    known.delete(name);
    reports.gone(path.join(dir, name));
    if (before.state !== "broken") emit({ type: "remove", id: idFromFileName(name) });
  };

  /** Reads `name` (unless `force` is false and its stamp is unchanged) and reports what changed. */
  const checkFile = async (name: string, force: boolean): Promise<void> => {
    if (inFlight.has(name)) return;
    const before = known.get(name);
    if (!force && before !== undefined && before.stamp !== "") {
      const stamp = await readStamp(path.join(dir, name));
      if (stamp === undefined || stamp === before.stamp) return;
    }
    const loaded = await loadAccountFile(dir, name);
    if (!untouched(name, before)) return;
    if (loaded === undefined) {
      if (before !== undefined) forget(name, before);
      return;
    }
    known.set(name, { stamp: loaded.stamp, hash: loaded.hash, state: loaded.kind });
    if (before?.hash === loaded.hash) return; // touched or rewritten, but the same content
    const file = path.join(dir, name);
    if (loaded.kind === "account") {
      reports.readable(file);
      emit({ type: "upsert", account: loaded.account });
    } else {
      reports.broken(file, loaded.hash, loaded.reason);
      // Unreadable now: it leaves the pool, as list() no longer returns it.
      if (before !== undefined && before.state !== "broken")
        emit({ type: "remove", id: idFromFileName(name) });
    }
  };

  const rescan = async (forced: ReadonlySet<string>): Promise<void> => {
    const snapshot = new Map(known);
    const names = await listAccountFileNames(dir);
    await mapLimited(names, CONCURRENT_READS, (name) => checkFile(name, forced.has(name)));
    const present = new Set(names);
    for (const [name, before] of snapshot) {
      if (!present.has(name) && untouched(name, before)) forget(name, before);
    }
  };

  const run = async (): Promise<void> => {
    running = true;
    try {
      while (!closed && (rescanWanted || named.size > 0)) {
        const names = new Set(named);
        named.clear();
        if (rescanWanted) {
          rescanWanted = false;
          await rescan(names);
        } else await mapLimited([...names], CONCURRENT_READS, (name) => checkFile(name, true));
      }
    } catch (error) {
      options.onScanError(error);
    } finally {
      running = false;
    }
  };

  const schedule = (): void => {
    if (closed || running || debounce !== undefined) return;
    debounce = setTimeout(() => {
      debounce = undefined;
      void run();
    }, DEBOUNCE_MS);
  };

  const request = (name: string | undefined): void => {
    if (closed) return;
    const wanted = requestOf(name);
    if (wanted === "none") return;
    if (wanted === "all") rescanWanted = true;
    else named.add(name as string);
    // A run under way picks the request up before it ends.
    schedule();
  };

  // Watch first, then read: a change made while the scan runs is reported after it.
  const watch = watchDirectory({
    dir,
    pollIntervalMs: options.pollIntervalMs,
    rescanIntervalMs: options.rescanIntervalMs,
    onChange: request,
  });
  let startingScan: DirectoryScan | undefined = scanDirectorySync(dir);
  for (const { name, stamp, hash, kind } of startingScan.files) known.set(name, { stamp, hash, state: kind });
  // A file that could not be opened at start is read as soon as descriptors allow.
  if (!startingScan.complete) request(undefined);
  const expireStartingScan = setTimeout(() => {
    startingScan = undefined;
  }, 0);

  return {
    begin(name) {
      inFlight.add(name);
    },
    end(name, change) {
      inFlight.delete(name);
      if (closed || change.type === "failed") return;
      if (change.type === "removed") {
        const before = known.get(name);
        known.delete(name);
        if (before?.state !== "broken") emit({ type: "remove", id: idFromFileName(name) });
        return;
      }
      // Stamp left empty: the next look at the file reads it once more and finds the same hash.
      known.set(name, { stamp: "", hash: change.hash, state: "account" });
      emit({ type: "upsert", account: change.account });
    },
    takeStartingScan() {
      const scan = startingScan;
      startingScan = undefined;
      return scan?.complete === true ? scan : undefined;
    },
    close() {
      closed = true;
      clearTimeout(debounce);
      clearTimeout(expireStartingScan);
      startingScan = undefined;
      watch.close();
    },
  };
}
