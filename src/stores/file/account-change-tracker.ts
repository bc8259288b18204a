/**
 * Turns "something in accounts/ may have changed" into exactly one store event per real change.
 * It remembers a stamp and a content hash per file, rescans on every directory notification and
 * tick, and reports only files whose content changed. The store's own writes are announced
 * through begin/end, so they are reported at once and never a second time by a rescan.
 */
import * as path from "node:path";
import type { Account } from "../../accounts/account.ts";
import { watchDirectory } from "../../platform/watch-directory.ts";
import type { StoreEvent } from "../account-store.ts";
import {
  idFromFileName,
  isAccountFileName,
  listAccountFileNames,
  loadAccountFile,
  readFingerprintsSync,
  readStamp,
} from "./account-directory.ts";
import type { BrokenFileReports } from "./broken-file-reports.ts";

export interface AccountChangeTrackerOptions {
  readonly dir: string;
  readonly pollIntervalMs: number;
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
  close(): void;
}

interface KnownFile {
  /** Empty when unknown, which makes the next scan read the file. */
  readonly stamp: string;
  readonly hash: string;
  readonly state: "account" | "broken";
}

function baseline(dir: string): Map<string, KnownFile> {
  const known = new Map<string, KnownFile>();
  for (const [name, { stamp, hash, kind }] of readFingerprintsSync(dir))
    known.set(name, { stamp, hash, state: kind });
  return known;
}

export function startAccountChangeTracker(options: AccountChangeTrackerOptions): AccountChangeTracker {
  const { dir, reports, emit } = options;
  const known = baseline(dir);
  const inFlight = new Set<string>();
  const hints = new Set<string>();
  let closed = false;
  let scanning = false;
  let again = false;

  // A rescan awaits between reading and recording; a write of ours may have happened meanwhile.
  const untouched = (name: string, before: KnownFile | undefined): boolean =>
    !closed && !inFlight.has(name) && known.get(name) === before;

  const checkFile = async (name: string, force: boolean): Promise<void> => {
    if (inFlight.has(name)) return;
    const before = known.get(name);
    if (!force && before !== undefined && before.stamp !== "") {
      const stamp = await readStamp(path.join(dir, name));
      if (stamp === undefined || stamp === before.stamp) return;
    }
    const loaded = await loadAccountFile(dir, name);
    if (loaded === undefined || !untouched(name, before)) return;
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

  const scanOnce = async (forced: ReadonlySet<string>): Promise<void> => {
    const snapshot = new Map(known);
    const names = await listAccountFileNames(dir);
    for (const name of names) await checkFile(name, forced.has(name));
    const present = new Set(names);
    for (const [name, before] of snapshot) {
      if (present.has(name) || !untouched(name, before)) continue;
      known.delete(name);
      reports.gone(path.join(dir, name));
      if (before.state !== "broken") emit({ type: "remove", id: idFromFileName(name) });
    }
  };

  const runScans = async (): Promise<void> => {
    scanning = true;
    try {
      do {
        again = false;
        const forced = new Set(hints);
        hints.clear();
        await scanOnce(forced);
      } while (again && !closed);
    } catch (error) {
      options.onScanError(error);
    } finally {
      scanning = false;
    }
  };

  const request = (name: string | undefined): void => {
    if (closed) return;
    if (name !== undefined) {
      if (!isAccountFileName(name)) return; // our lock and temporary files, editors' swap files
      hints.add(name);
    }
    if (scanning) again = true;
    else void runScans();
  };

  const watch = watchDirectory({ dir, intervalMs: options.pollIntervalMs, onChange: request });

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
      // Stamp left empty: the next scan reads the file once more and finds the same hash.
      known.set(name, { stamp: "", hash: change.hash, state: "account" });
      emit({ type: "upsert", account: change.account });
    },
    close() {
      closed = true;
      watch.close();
    },
  };
}
