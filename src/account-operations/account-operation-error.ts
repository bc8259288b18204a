/**
 * Why an account operation (enroll, enable, disable, remove, find) did not happen: one error told
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

/** An account operation error of the codes in `Code`. */
class CodedError<Code extends AccountOperationErrorCode> extends Error {
  override readonly name = "AccountOperationError";

  constructor(
    readonly code: Code,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Google did not accept a refresh token; `failure` says why. */
class TokenRejectedError extends CodedError<"TOKEN_REJECTED"> {
  constructor(readonly failure: TokenFailure) {
    super("TOKEN_REJECTED", describeRejection(failure));
  }
}

/** Any account operation error; a TOKEN_REJECTED one always carries its `failure`. */
export type AccountOperationError = CodedError<"ACCOUNT_NOT_FOUND" | "STORE_FAILED"> | TokenRejectedError;

/** `no account with id or email "x"`; the name is redacted in case a token was pasted there. */
export function accountNotFound(idOrEmail: string): AccountOperationError {
  return new CodedError("ACCOUNT_NOT_FOUND", `no account with id or email "${redact(idOrEmail)}"`);
}

/** Google's refusal of a token, in the words `describeRejection` uses everywhere. */
export function tokenRejected(failure: TokenFailure): AccountOperationError {
  return new TokenRejectedError(failure);
}

/** The store threw while writing; the cause's message is redacted, the cause kept. */
export function storeFailed(cause: unknown): AccountOperationError {
  const message = redact(cause instanceof Error ? cause.message : String(cause));
  return new CodedError("STORE_FAILED", `cannot store the account: ${message}`, { cause });
}
