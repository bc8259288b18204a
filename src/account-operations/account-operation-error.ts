/**
 * Why an account operation (enroll, enable, disable, remove, find) did not happen: one class told
 * apart by `code`, with the message the CLI prints and the admin API answers. Each surface maps
 * the code to its own exit code or HTTP status; neither inspects the message.
 */
import { describeRejection, type TokenFailure } from "../accounts/token-failure.ts";
import { redact } from "../log/redact.ts";

export type AccountOperationErrorCode =
  /** No account has that id or email (any case), or it went away while we changed it. */
  | "ACCOUNT_NOT_FOUND"
  /** Google did not accept the refresh token (see `failure.kind`); nothing was written. */
  | "TOKEN_REJECTED"
  /** The store failed to write; the message says how. */
  | "STORE_FAILED";

export class AccountOperationError extends Error {
  override readonly name = "AccountOperationError";

  constructor(
    readonly code: AccountOperationErrorCode,
    message: string,
    /** Why Google refused the token, for TOKEN_REJECTED. */
    readonly failure?: TokenFailure,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** `no account with id or email "x"`; the name is redacted in case a token was pasted there. */
export function accountNotFound(idOrEmail: string): AccountOperationError {
  return new AccountOperationError("ACCOUNT_NOT_FOUND", `no account with id or email "${redact(idOrEmail)}"`);
}

/** Google's refusal of a token, in the words `describeRejection` uses everywhere. */
export function tokenRejected(failure: TokenFailure): AccountOperationError {
  return new AccountOperationError("TOKEN_REJECTED", describeRejection(failure), failure);
}

/** The store threw while writing; the cause's message is redacted, the cause kept. */
export function storeFailed(cause: unknown): AccountOperationError {
  const message = redact(cause instanceof Error ? cause.message : String(cause));
  return new AccountOperationError("STORE_FAILED", `cannot store the account: ${message}`, undefined, {
    cause,
  });
}
