/**
 * The admin API's replies: JSON bodies, and errors in Google's shape
 * (`{"error": {"code": 404, "status": "NOT_FOUND", "message": "…"}}`) like the rest of the proxy
 * (protocol-errors.ts builds the shape). Account operations' errors become replies here, and only
 * here. Admin replies describe accounts and keys, so none of them may be cached by anything in
 * between.
 */
import { sentence } from "../../account-operations/account-messages.ts";
import type { AccountOperationError } from "../../account-operations/account-operation-error.ts";
import type { TokenFailureKind } from "../../accounts/token-failure.ts";
import type { Logger } from "../../log/logger.ts";
import { redact } from "../../log/redact.ts";
import { requestUrl } from "../../platform/request-url.ts";
import { googleErrorBody } from "../protocol-errors.ts";

/** Google's canonical status names for the HTTP statuses the admin API answers with. */
export type AdminErrorStatus =
  | "INVALID_ARGUMENT"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "NOT_FOUND"
  | "FAILED_PRECONDITION"
  | "INTERNAL"
  | "UNAVAILABLE";

const NO_STORE = { "cache-control": "no-store" } as const;

export function adminJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...NO_STORE, ...headers },
  });
}

export function adminError(
  code: number,
  status: AdminErrorStatus,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return adminJson(code, googleErrorBody(code, message, status), headers);
}

export function adminNoContent(): Response {
  return new Response(null, { status: 204, headers: NO_STORE });
}

/** Google refused a token: our caller's token (422), our OAuth client (502), or Google's hiccup (503). */
const REJECTION: Record<TokenFailureKind, readonly [number, AdminErrorStatus]> = {
  invalid_grant: [422, "INVALID_ARGUMENT"],
  config: [502, "FAILED_PRECONDITION"],
  transient: [503, "UNAVAILABLE"],
};

/** The reply to an account operation that did not happen; store failures are logged too. */
export function operationErrorReply(error: AccountOperationError, log: Logger): Response {
  switch (error.code) {
    case "ACCOUNT_NOT_FOUND":
      return adminError(404, "NOT_FOUND", sentence(error.message));
    case "TOKEN_REJECTED": {
      log.warn(`Admin: refused a refresh token: ${error.message}`);
      const [code, status] = REJECTION[error.failure.kind];
      return adminError(code, status, `${error.message}; nothing was written`);
    }
    case "STORE_FAILED":
      log.error(`Admin: ${error.message}`);
      return adminError(500, "INTERNAL", sentence(error.message));
  }
}

/** A handler threw: logged, and answered 500 with the redacted message. */
export function adminUnexpectedError(request: Request, error: unknown, log: Logger): Response {
  const message = redact(error instanceof Error ? error.message : String(error));
  log.error(`Admin: ${request.method} ${requestUrl(request).pathname} failed: ${message}`);
  return adminError(500, "INTERNAL", `The admin request failed: ${message}`);
}
