/**
 * The errors an AccountStore raises: one class, told apart by `code`. Messages name the account
 * and the place, never a token. Callers (the CLI, the admin API) decide what a code means to their
 * user through `code`, not through the store's own error types.
 */

export type StoreErrorCode =
  /**
   * Another account (another email) already has the id, or its file is not an account (Kubernetes:
   * a Secret of its name that grantpool did not make).
   */
  | "ACCOUNT_ID_CONFLICT"
  /** Creating an account another writer created meanwhile (Kubernetes: the Account exists). */
  | "ACCOUNT_EXISTS"
  /** What would be stored would not read back as a valid account. */
  | "INVALID_ACCOUNT"
  /** Another process held the store's lock for too long. */
  | "STORE_LOCK_TIMEOUT"
  /** Reading or writing the store's medium (files, the API server) failed. */
  | "STORE_IO";

export class StoreError extends Error {
  override readonly name = "StoreError";

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** The account concerned, when there is one. */
    readonly accountId?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}
