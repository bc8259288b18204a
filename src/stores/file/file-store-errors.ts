/** The file store's failures, as StoreErrors with their messages. Messages never carry a token. */
import { StoreError } from "../store-error.ts";
import { errorCode } from "./fs-error-code.ts";

/** A write would replace a file that is not this account's (an unreadable file, another account). */
export function accountFileConflict(id: string, path: string): StoreError {
  return new StoreError(
    "ACCOUNT_ID_CONFLICT",
    `Cannot create account "${id}": ${path} already exists and is not an account with that email`,
    id,
  );
}

/** The account to write would not read back as a valid account file. */
export function invalidAccount(id: string, reason: string): StoreError {
  return new StoreError("INVALID_ACCOUNT", `Cannot store account "${id}": ${reason}`, id);
}

/** Another process held the store's lock for longer than we were willing to wait. */
export function lockTimeout(path: string, waitedMs: number): StoreError {
  const seconds = Math.round(waitedMs / 1000);
  return new StoreError(
    "STORE_LOCK_TIMEOUT",
    `Cannot lock the account store: ${path} is still held after ${seconds} s`,
  );
}

/** Reading or writing the accounts directory failed for a reason other than a missing file. */
export function fileIoError(action: string, path: string, cause: unknown): StoreError {
  const reason = errorCode(cause) ?? (cause as Error).message;
  return new StoreError("STORE_IO", `Cannot ${action} ${path}: ${String(reason)}`, undefined, { cause });
}
