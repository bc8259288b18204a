/** The file store's failures, each with a stable `code`. Messages never carry a token. */

/** A write would replace a file that is not this account's (an unreadable file, another account). */
export class AccountFileConflictError extends Error {
  readonly code = "ACCOUNT_ID_CONFLICT";

  constructor(
    readonly id: string,
    readonly path: string,
  ) {
    super(`Cannot create account "${id}": ${path} already exists and is not an account with that email`);
    this.name = "AccountFileConflictError";
  }
}

/** The account to write would not read back as a valid account file. */
export class InvalidAccountError extends Error {
  readonly code = "INVALID_ACCOUNT";

  constructor(
    readonly id: string,
    reason: string,
  ) {
    super(`Cannot store account "${id}": ${reason}`);
    this.name = "InvalidAccountError";
  }
}

/** Another process held the store's lock for longer than we were willing to wait. */
export class StoreLockTimeoutError extends Error {
  readonly code = "STORE_LOCK_TIMEOUT";

  constructor(
    readonly path: string,
    waitedMs: number,
  ) {
    super(`Cannot lock the account store: ${path} is still held after ${Math.round(waitedMs / 1000)} s`);
    this.name = "StoreLockTimeoutError";
  }
}

/** Reading or writing the accounts directory failed for a reason other than a missing file. */
export class AccountFileIoError extends Error {
  readonly code = "ACCOUNT_FILE_IO";

  constructor(action: string, path: string, cause: unknown) {
    const reason = (cause as { code?: unknown }).code ?? (cause as Error).message;
    super(`Cannot ${action} ${path}: ${String(reason)}`, { cause });
    this.name = "AccountFileIoError";
  }
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
