/**
 * The embedded default store (SPEC §4): one Antigravity-Manager JSON file per account in
 * `<data-dir>/accounts/`. Every read-modify-write runs under an in-process mutex and a
 * cross-process lock file and re-reads the file from disk first; writes are atomic; unreadable
 * files are reported once and never rewritten or deleted; changes by anyone are watched. A
 * reference data directory's account index follows every write, under the same lock.
 */
import * as path from "node:path";
import { type Account, sameEmail } from "../../accounts/account.ts";
import type { Logger } from "../../log/logger.ts";
import { mapLimited } from "../../platform/map-limited.ts";
import type { Clock } from "../../time/clock.ts";
import type {
  AccountChange,
  AccountStore,
  StoreEvent,
  StoreListener,
  UpdateResult,
  UpsertResult,
} from "../account-store.ts";
import { type AccountChangeTracker, startAccountChangeTracker } from "./account-change-tracker.ts";
import {
  ACCOUNTS_DIRECTORY,
  accountFileName,
  entryExists,
  hashOf,
  isValidAccountId,
  type LoadedAccountFile,
  listAccountFileNames,
  loadAccountFile,
} from "./account-directory.ts";
import { decodeAccountFile } from "./account-file-decoder.ts";
import { encodeAccountFile } from "./account-file-encoder.ts";
import { createAsyncMutex } from "./async-mutex.ts";
import {
  ensurePrivateDirectory,
  removeFileDurably,
  removeOrphanTempFiles,
  writeFileAtomic,
} from "./atomic-write.ts";
import { createBrokenFileReports } from "./broken-file-reports.ts";
import { AccountFileConflictError, AccountFileIoError, InvalidAccountError } from "./file-store-errors.ts";
import { acquireLockFile } from "./lock-file.ts";
import { createReferenceIndex } from "./reference-index.ts";

export interface FileAccountStoreOptions {
  readonly dataDir: string;
  readonly log: Logger;
  /** Domain time. Lock ages are compared across processes and use the wall clock instead. */
  readonly clock: Clock;
  /**
   * While watching, the OS names each changed file and only that file is read. Where it reports
   * nothing (no directory yet, no watch support), the directory is rescanned this often (default
   * 500 ms)…
   */
  readonly pollIntervalMs?: number;
  /** …and where it does, this often, as a safety net (default 60 s). */
  readonly rescanIntervalMs?: number;
  /** A lock held longer than this is taken to be abandoned (default 30 s). */
  readonly lockStaleMs?: number;
  /** How long a write waits for another process's lock before failing (default 60 s). */
  readonly lockTimeoutMs?: number;
}

type AccountFile = Extract<LoadedAccountFile, { kind: "account" }>;

const DEFAULT_POLL_INTERVAL_MS = 500;
const DEFAULT_RESCAN_INTERVAL_MS = 60_000;
/** Files open at once while reading the whole directory: far below any open-files limit. */
const CONCURRENT_READS = 32;

/** Of several files with the same email (the reference matched case-sensitively), the oldest wins. */
function oldestByEmail(files: readonly AccountFile[], email: string): AccountFile | undefined {
  return files
    .filter((file) => sameEmail(file.account.email, email))
    .sort((a, b) => a.account.createdAt - b.account.createdAt || a.account.id.localeCompare(b.account.id))[0];
}

export function createFileAccountStore(options: FileAccountStoreOptions): AccountStore {
  const { log } = options;
  const dir = path.join(options.dataDir, ACCOUNTS_DIRECTORY);
  const lockPath = path.join(dir, ".lock");
  const reports = createBrokenFileReports(log);
  const index = createReferenceIndex({ dataDir: options.dataDir, log });
  const mutex = createAsyncMutex();
  const listeners = new Set<StoreListener>();
  let tracker: AccountChangeTracker | undefined;
  let closed = false;
  let lastScanError: string | undefined;

  const readOne = async (name: string): Promise<AccountFile | undefined> => {
    const file = path.join(dir, name);
    const loaded = await loadAccountFile(dir, name);
    if (loaded === undefined) return undefined;
    if (loaded.kind === "broken") {
      reports.broken(file, loaded.hash, loaded.reason);
      return undefined;
    }
    reports.readable(file);
    return loaded;
  };

  const readAll = async (): Promise<AccountFile[]> => {
    const names = await listAccountFileNames(dir);
    const files = await mapLimited(names, CONCURRENT_READS, readOne);
    return files.filter((file) => file !== undefined);
  };

  /** Runs `task` as the only writer: first in this process, then across processes. */
  const exclusive = <T>(task: () => Promise<T>): Promise<T> =>
    mutex.run(async () => {
      await ensurePrivateDirectory(dir).catch((error: unknown) => {
        throw new AccountFileIoError("create", dir, error);
      });
      const lock = await acquireLockFile({
        path: lockPath,
        ...(options.lockStaleMs === undefined ? {} : { staleMs: options.lockStaleMs }),
        ...(options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs }),
        onBreak: (reason) => log.warn(`Breaking stale account store lock ${lockPath}: ${reason}`),
      });
      try {
        // A writer that died holding the lock may have left its temporary files behind.
        if (lock.brokeStale) {
          await removeOrphanTempFiles(dir);
          await index.removeOrphans();
        }
        return await task();
      } finally {
        await lock.release();
      }
    });

  /** Writes `account` (over `previousText`, whose unknown members it keeps); returns what reads back. */
  const write = async (account: Account, previousText?: string): Promise<Account> => {
    const text = encodeAccountFile(account, previousText);
    const readBack = decodeAccountFile(text, { fileId: account.id, fallbackCreatedAt: 0 });
    if (!readBack.ok) throw new InvalidAccountError(account.id, readBack.error);
    const name = accountFileName(account.id);
    const file = path.join(dir, name);
    const bytes = new TextEncoder().encode(text);
    const watching = tracker;
    watching?.begin(name);
    try {
      await writeFileAtomic(file, bytes);
    } catch (error) {
      watching?.end(name, { type: "failed" });
      throw new AccountFileIoError("write", file, error);
    }
    watching?.end(name, { type: "wrote", hash: hashOf(bytes), account: readBack.value });
    await index.accountWritten(readBack.value);
    return readBack.value;
  };

  const unchanged = (current: AccountFile, next: Account): boolean =>
    encodeAccountFile(next, current.text) === encodeAccountFile(current.account, current.text);

  const dispatch = (event: StoreEvent): void => {
    if (closed) return;
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        // One failing listener must not starve the others or break the watch.
        log.error("Account store listener failed", { error: (error as Error).message });
      }
    }
  };

  /** What watch() read just now, reported as list() would, so that a first list() reads nothing again. */
  const startingAccounts = (): Account[] | undefined => {
    const scan = tracker?.takeStartingScan();
    if (scan === undefined) return undefined;
    const accounts: Account[] = [];
    for (const file of scan.files) {
      const where = path.join(dir, file.name);
      if (file.kind === "broken") reports.broken(where, file.hash, file.reason);
      else {
        reports.readable(where);
        accounts.push(file.account);
      }
    }
    return accounts;
  };

  const onScanError = (error: unknown): void => {
    const message = (error as { code?: string }).code ?? (error as Error).message;
    if (message === lastScanError) return;
    lastScanError = message;
    log.warn(`Cannot scan account directory ${dir}: ${message}`, { path: dir });
  };

  return {
    kind: "file",

    async list() {
      const accounts = startingAccounts() ?? (await readAll()).map((file) => file.account);
      return accounts.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    },

    async get(id) {
      if (!isValidAccountId(id)) return undefined;
      return (await readOne(accountFileName(id)))?.account;
    },

    update(id: string, change: AccountChange): Promise<UpdateResult> {
      if (!isValidAccountId(id)) return Promise.resolve({ status: "missing" });
      return exclusive(async () => {
        // Always the file as it is now: another process may have changed it since we last looked.
        const current = await readOne(accountFileName(id));
        if (current === undefined) return { status: "missing" };
        const proposed = change(current.account);
        if (proposed === undefined) return { status: "unchanged", account: current.account };
        const next: Account = { ...proposed, id }; // the stored id wins
        if (unchanged(current, next)) return { status: "unchanged", account: current.account };
        return { status: "updated", account: await write(next, current.text) };
      });
    },

    upsertByEmail(email: string, build: (existing: Account | undefined) => Account): Promise<UpsertResult> {
      return exclusive(async () => {
        const existing = oldestByEmail(await readAll(), email);
        if (existing !== undefined) {
          const next: Account = { ...build(existing.account), id: existing.account.id };
          const account = unchanged(existing, next) ? existing.account : await write(next, existing.text);
          return { status: "updated", account, previous: existing.account };
        }
        const created = build(undefined);
        if (!isValidAccountId(created.id)) {
          throw new InvalidAccountError(
            created.id,
            "the id must be a plain file name (letters, digits, . _ @ + -)",
          );
        }
        // Never over another file: it may be an unreadable account that we must not touch.
        const target = path.join(dir, accountFileName(created.id));
        if (await entryExists(target)) throw new AccountFileConflictError(created.id, target);
        return { status: "created", account: await write(created) };
      });
    },

    remove(id) {
      if (!isValidAccountId(id)) return Promise.resolve(false);
      return exclusive(async () => {
        const name = accountFileName(id);
        const file = path.join(dir, name);
        // An unreadable file is never deleted: it may hold the only copy of a refresh token.
        if ((await readOne(name)) === undefined) return false;
        const watching = tracker;
        watching?.begin(name);
        try {
          const removed = await removeFileDurably(file);
          watching?.end(name, removed ? { type: "removed" } : { type: "failed" });
          reports.gone(file);
          if (removed) await index.accountRemoved(id);
          return removed;
        } catch (error) {
          watching?.end(name, { type: "failed" });
          throw new AccountFileIoError("delete", file, error);
        }
      });
    },

    watch(listener) {
      if (closed) return () => {};
      listeners.add(listener);
      tracker ??= startAccountChangeTracker({
        dir,
        pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
        rescanIntervalMs: options.rescanIntervalMs ?? DEFAULT_RESCAN_INTERVAL_MS,
        reports,
        emit: dispatch,
        onScanError,
      });
      return () => {
        listeners.delete(listener);
      };
    },

    async close() {
      closed = true;
      tracker?.close();
      tracker = undefined;
      listeners.clear();
      // Let writes already under way finish before the caller tears anything down.
      await mutex.run(async () => {});
    },
  };
}
