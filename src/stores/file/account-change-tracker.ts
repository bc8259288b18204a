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
import { type DirectoryWatch, watchDirectory } from "../../platform/watch-directory.ts";
import { type CancelTimer, type Clock, systemClock } from "../../time/clock.ts";
import type { StoreEvent } from "../account-store.ts";
import {
  type DirectoryScan,
  idFromFileName,
  isAccountFileName,
  type LoadedAccountFile,
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
  /**
   * The debounce's timers: real time by default, since a burst of file events settles in real
   * time whatever the domain clock says.
   */
  readonly clock?: Clock;
}

export type OwnChange =
  | { readonly type: "wrote"; readonly hash: string; readonly account: Account }
  | { readonly type: "removed" }
  | { readonly type: "failed" };

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

/** Watches the directory from construction until close(). */
export class AccountChangeTracker {
  readonly #options: AccountChangeTrackerOptions;
  readonly #clock: Clock;
  readonly #known = new Map<string, KnownFile>();
  readonly #inFlight = new Set<string>();
  readonly #named = new Set<string>();
  #rescanWanted = false;
  #closed = false;
  #running = false;
  #cancelDebounce: CancelTimer | undefined;
  #startingScan: DirectoryScan | undefined;
  readonly #cancelStartingScanExpiry: CancelTimer;
  readonly #watch: DirectoryWatch;

  constructor(options: AccountChangeTrackerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    // Watch first, then read: a change made while the scan runs is reported after it.
    this.#watch = watchDirectory({
      dir: options.dir,
      pollIntervalMs: options.pollIntervalMs,
      rescanIntervalMs: options.rescanIntervalMs,
      clock: this.#clock,
      onChange: (name) => this.#request(name),
    });
    const scan = scanDirectorySync(options.dir);
    this.#startingScan = scan;
    for (const { name, stamp, hash, kind } of scan.files) this.#known.set(name, { stamp, hash, state: kind });
    // A file that could not be opened at start is read as soon as descriptors allow.
    if (!scan.complete) this.#request(undefined);
    this.#cancelStartingScanExpiry = this.#clock.setTimer(() => {
      this.#startingScan = undefined;
    }, 0);
  }

  /** The store is about to write or delete `name`; rescans leave it alone until end(). */
  begin(name: string): void {
    this.#inFlight.add(name);
  }

  end(name: string, change: OwnChange): void {
    this.#inFlight.delete(name);
    if (this.#closed || change.type === "failed") return;
    if (change.type === "removed") {
      const before = this.#known.get(name);
      this.#known.delete(name);
      if (before?.state !== "broken") this.#options.emit({ type: "remove", id: idFromFileName(name) });
      return;
    }
    // Stamp left empty: the next look at the file reads it once more and finds the same hash.
    this.#known.set(name, { stamp: "", hash: change.hash, state: "account" });
    this.#options.emit({ type: "upsert", account: change.account });
  }

  /**
   * What the scan at the start read, once, and only in the same turn of the event loop in which
   * watching began: nothing can have been reported since, so a first list() needs no second read.
   */
  takeStartingScan(): DirectoryScan | undefined {
    const scan = this.#startingScan;
    this.#startingScan = undefined;
    return scan?.complete === true ? scan : undefined;
  }

  close(): void {
    this.#closed = true;
    this.#cancelDebounce?.();
    this.#cancelStartingScanExpiry();
    this.#startingScan = undefined;
    this.#watch.close();
  }

  // A read awaits between reading and recording; a write of ours may have happened meanwhile.
  #untouched(name: string, before: KnownFile | undefined): boolean {
    return !this.#closed && !this.#inFlight.has(name) && this.#known.get(name) === before;
  }

  #forget(name: string, before: KnownFile): void {
    this.#known.delete(name);
    this.#options.reports.gone(path.join(this.#options.dir, name));
    if (before.state !== "broken") this.#options.emit({ type: "remove", id: idFromFileName(name) });
  }

  /** Reads `name` (unless `force` is false and its stamp is unchanged) and reports what changed. */
  async #checkFile(name: string, force: boolean): Promise<void> {
    const { dir } = this.#options;
    if (this.#inFlight.has(name)) return;
    const before = this.#known.get(name);
    if (!force && before !== undefined && before.stamp !== "") {
      const stamp = await readStamp(path.join(dir, name));
      if (stamp === undefined || stamp === before.stamp) return;
    }
    const loaded = await loadAccountFile(dir, name);
    if (!this.#untouched(name, before)) return;
    if (loaded === undefined) {
      if (before !== undefined) this.#forget(name, before);
      return;
    }
    this.#known.set(name, { stamp: loaded.stamp, hash: loaded.hash, state: loaded.kind });
    if (before?.hash === loaded.hash) return; // touched or rewritten, but the same content
    this.#report(name, loaded, before);
  }

  #report(name: string, loaded: LoadedAccountFile, before: KnownFile | undefined): void {
    const { reports, emit } = this.#options;
    const file = path.join(this.#options.dir, name);
    if (loaded.kind === "account") {
      reports.readable(file);
      emit({ type: "upsert", account: loaded.account });
    } else {
      reports.broken(file, loaded.hash, loaded.reason);
      // Unreadable now: it leaves the pool, as list() no longer returns it.
      if (before !== undefined && before.state !== "broken")
        emit({ type: "remove", id: idFromFileName(name) });
    }
  }

  async #rescan(forced: ReadonlySet<string>): Promise<void> {
    const snapshot = new Map(this.#known);
    const names = await listAccountFileNames(this.#options.dir);
    await mapLimited(names, CONCURRENT_READS, (name) => this.#checkFile(name, forced.has(name)));
    const present = new Set(names);
    for (const [name, before] of snapshot) {
      if (!present.has(name) && this.#untouched(name, before)) this.#forget(name, before);
    }
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (!this.#closed && (this.#rescanWanted || this.#named.size > 0)) {
        const names = new Set(this.#named);
        this.#named.clear();
        if (this.#rescanWanted) {
          this.#rescanWanted = false;
          await this.#rescan(names);
        } else await mapLimited([...names], CONCURRENT_READS, (name) => this.#checkFile(name, true));
      }
    } catch (error) {
      this.#options.onScanError(error);
    } finally {
      this.#running = false;
    }
  }

  #schedule(): void {
    if (this.#closed || this.#running || this.#cancelDebounce !== undefined) return;
    this.#cancelDebounce = this.#clock.setTimer(() => {
      this.#cancelDebounce = undefined;
      void this.#run();
    }, DEBOUNCE_MS);
  }

  #request(name: string | undefined): void {
    if (this.#closed) return;
    const wanted = requestOf(name);
    if (wanted === "none") return;
    if (wanted === "all") this.#rescanWanted = true;
    else this.#named.add(name as string);
    // A run under way picks the request up before it ends.
    this.#schedule();
  }
}
