/**
 * The embedded default store (SPEC §4): one Antigravity-Manager JSON file per account in
 * `<data-dir>/accounts/`. Every read-modify-write runs under an in-process mutex and a
 * cross-process lock file and re-reads the file from disk first; writes are atomic; unreadable
 * files are reported once and never rewritten or deleted; changes by anyone are watched. A
 * reference data directory's account index follows every write, under the same lock.
 */
import * as path from "node:path";
import { type Account, byCreation, oldestWithEmail } from "../../accounts/account.ts";
import type { Logger } from "../../log/logger.ts";
import { mapLimited } from "../../platform/map-limited.ts";
import type { Clock } from "../../time/clock.ts";
import type {
  AccountChange,
  AccountStore,
  StoreListener,
  UpdateResult,
  UpsertResult,
} from "../account-store.ts";
import { StoreListeners } from "../store-listeners.ts";
import { AccountChangeTracker } from "./account-change-tracker.ts";
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
import { removeFileDurably, writeFileAtomic } from "./atomic-write.ts";
import { type BrokenFileReports, createBrokenFileReports } from "./broken-file-reports.ts";
import { ExclusiveWrites } from "./exclusive-writes.ts";
import { accountFileConflict, fileIoError, invalidAccount } from "./file-store-errors.ts";
import { errorCode } from "./fs-error-code.ts";
import { createReferenceIndex, type ReferenceIndex } from "./reference-index.ts";

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
function oldestFileWithEmail(files: readonly AccountFile[], email: string): AccountFile | undefined {
  const oldest = oldestWithEmail(
    files.map((file) => file.account),
    email,
  );
  return files.find((file) => file.account === oldest);
}

/** The file store over `<dataDir>/accounts/`; construction reads nothing. */
export class FileAccountStore implements AccountStore {
  readonly kind = "file";
  readonly #options: FileAccountStoreOptions;
  readonly #dir: string;
  readonly #reports: BrokenFileReports;
  readonly #index: ReferenceIndex;
  readonly #writes: ExclusiveWrites;
  readonly #listeners: StoreListeners;
  #tracker: AccountChangeTracker | undefined;
  #closed = false;
  #lastScanError: string | undefined;

  constructor(options: FileAccountStoreOptions) {
    this.#options = options;
    this.#dir = path.join(options.dataDir, ACCOUNTS_DIRECTORY);
    this.#reports = createBrokenFileReports(options.log);
    this.#index = createReferenceIndex({ dataDir: options.dataDir, log: options.log });
    this.#listeners = new StoreListeners(options.log);
    this.#writes = new ExclusiveWrites({
      dir: this.#dir,
      log: options.log,
      index: this.#index,
      ...(options.lockStaleMs === undefined ? {} : { lockStaleMs: options.lockStaleMs }),
      ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
    });
  }

  async list(): Promise<Account[]> {
    const accounts = this.#startingAccounts() ?? (await this.#readAll()).map((file) => file.account);
    return accounts.sort(byCreation);
  }

  async get(id: string): Promise<Account | undefined> {
    if (!isValidAccountId(id)) return undefined;
    return (await this.#readOne(accountFileName(id)))?.account;
  }

  update(id: string, change: AccountChange): Promise<UpdateResult> {
    if (!isValidAccountId(id)) return Promise.resolve({ status: "missing" });
    return this.#writes.run(async () => {
      // Always the file as it is now: another process may have changed it since we last looked.
      const current = await this.#readOne(accountFileName(id));
      if (current === undefined) return { status: "missing" };
      const proposed = change(current.account);
      if (proposed === undefined) return { status: "unchanged", account: current.account };
      const next: Account = { ...proposed, id }; // the stored id wins
      if (unchanged(current, next)) return { status: "unchanged", account: current.account };
      return { status: "updated", account: await this.#write(next, current.text) };
    });
  }

  upsertByEmail(email: string, build: (existing: Account | undefined) => Account): Promise<UpsertResult> {
    return this.#writes.run(async () => {
      const existing = oldestFileWithEmail(await this.#readAll(), email);
      if (existing !== undefined) {
        const next: Account = { ...build(existing.account), id: existing.account.id };
        const account = unchanged(existing, next) ? existing.account : await this.#write(next, existing.text);
        return { status: "updated", account, previous: existing.account };
      }
      const created = build(undefined);
      if (!isValidAccountId(created.id)) {
        throw invalidAccount(created.id, "the id must be a plain file name (letters, digits, . _ @ + -)");
      }
      // Never over another file: it may be an unreadable account that we must not touch.
      const target = path.join(this.#dir, accountFileName(created.id));
      if (await entryExists(target)) throw accountFileConflict(created.id, target);
      return { status: "created", account: await this.#write(created) };
    });
  }

  remove(id: string): Promise<boolean> {
    if (!isValidAccountId(id)) return Promise.resolve(false);
    return this.#writes.run(async () => {
      const name = accountFileName(id);
      const file = path.join(this.#dir, name);
      // An unreadable file is never deleted: it may hold the only copy of a refresh token.
      if ((await this.#readOne(name)) === undefined) return false;
      const watching = this.#tracker;
      watching?.begin(name);
      try {
        const removed = await removeFileDurably(file);
        watching?.end(name, removed ? { type: "removed" } : { type: "failed" });
        this.#reports.gone(file);
        if (removed) await this.#index.accountRemoved(id);
        return removed;
      } catch (error) {
        watching?.end(name, { type: "failed" });
        throw fileIoError("delete", file, error);
      }
    });
  }

  watch(listener: StoreListener): () => void {
    if (this.#closed) return () => {};
    const unsubscribe = this.#listeners.add(listener);
    this.#tracker ??= new AccountChangeTracker({
      dir: this.#dir,
      pollIntervalMs: this.#options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      rescanIntervalMs: this.#options.rescanIntervalMs ?? DEFAULT_RESCAN_INTERVAL_MS,
      reports: this.#reports,
      emit: (event) => this.#listeners.dispatch(event),
      onScanError: (error) => this.#onScanError(error),
    });
    return unsubscribe;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#tracker?.close();
    this.#tracker = undefined;
    this.#listeners.close();
    // Let writes already under way finish before the caller tears anything down.
    await this.#writes.drain();
  }

  async #readOne(name: string): Promise<AccountFile | undefined> {
    const file = path.join(this.#dir, name);
    const loaded = await loadAccountFile(this.#dir, name);
    if (loaded === undefined) return undefined;
    if (loaded.kind === "broken") {
      this.#reports.broken(file, loaded.hash, loaded.reason);
      return undefined;
    }
    this.#reports.readable(file);
    return loaded;
  }

  async #readAll(): Promise<AccountFile[]> {
    const names = await listAccountFileNames(this.#dir);
    const files = await mapLimited(names, CONCURRENT_READS, (name) => this.#readOne(name));
    return files.filter((file) => file !== undefined);
  }

  /** What watch() read just now, reported as list() would, so that a first list() reads nothing again. */
  #startingAccounts(): Account[] | undefined {
    const scan = this.#tracker?.takeStartingScan();
    if (scan === undefined) return undefined;
    const accounts: Account[] = [];
    for (const file of scan.files) {
      const where = path.join(this.#dir, file.name);
      if (file.kind === "broken") this.#reports.broken(where, file.hash, file.reason);
      else {
        this.#reports.readable(where);
        accounts.push(file.account);
      }
    }
    return accounts;
  }

  /** Writes `account` (over `previousText`, whose unknown members it keeps); returns what reads back. */
  async #write(account: Account, previousText?: string): Promise<Account> {
    const text = encodeAccountFile(account, previousText);
    const readBack = decodeAccountFile(text, { fileId: account.id, fallbackCreatedAt: 0 });
    if (!readBack.ok) throw invalidAccount(account.id, readBack.error);
    const name = accountFileName(account.id);
    const file = path.join(this.#dir, name);
    const bytes = new TextEncoder().encode(text);
    const watching = this.#tracker;
    watching?.begin(name);
    try {
      await writeFileAtomic(file, bytes);
    } catch (error) {
      watching?.end(name, { type: "failed" });
      throw fileIoError("write", file, error);
    }
    watching?.end(name, { type: "wrote", hash: hashOf(bytes), account: readBack.value });
    await this.#index.accountWritten(readBack.value);
    return readBack.value;
  }

  #onScanError(error: unknown): void {
    const message = errorCode(error) ?? (error as Error).message;
    if (message === this.#lastScanError) return;
    this.#lastScanError = message;
    this.#options.log.warn(`Cannot scan account directory ${this.#dir}: ${message}`, { path: this.#dir });
  }
}

/** Whether writing `next` over `current` would leave the file as it is. */
function unchanged(current: AccountFile, next: Account): boolean {
  return encodeAccountFile(next, current.text) === encodeAccountFile(current.account, current.text);
}
