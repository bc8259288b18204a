/**
 * The one place that turns proxy-side failures into HTTP replies, in the format of the client's
 * protocol: Gemini (`{error: {code, message, status}}`), OpenAI (`{error: {message, type, code}}`)
 * or Anthropic (`{type: "error", error: {type, message}}`). The admin API speaks Google's shape
 * too (admin/admin-replies.ts builds on `googleErrorBody`), and so does an upstream-side refusal
 * grantpool answers for Google (the code-assist project lookup's 403).
 */
import type { Logger } from "../log/logger.ts";
import { requestUrl } from "../platform/request-url.ts";

export type Protocol = "gemini" | "openai" | "anthropic";

export type ProxyErrorKind =
  | "unauthenticated"
  /** Google refuses the account itself (Cloud Code Assist has no project for it). */
  | "permission_denied"
  | "bad_request"
  | "not_found"
  | "payload_too_large"
  | "request_timeout"
  | "method_not_allowed"
  /** The upstream profile has no such method (embeddings on Cloud Code Assist). */
  | "not_implemented"
  | "no_available_account"
  | "upstream_unreachable"
  | "oauth_client_error"
  /** grantpool's own failure (a bug): never blamed on an account. */
  | "internal_error";

const STATUS: Record<ProxyErrorKind, number> = {
  unauthenticated: 401,
  permission_denied: 403,
  bad_request: 400,
  not_found: 404,
  payload_too_large: 413,
  request_timeout: 408,
  method_not_allowed: 405,
  not_implemented: 501,
  no_available_account: 503,
  upstream_unreachable: 502,
  oauth_client_error: 502,
  internal_error: 500,
};

/**
 * Where a protocol's clients read a status of their own. Anthropic's clients take 529 for "the
 * service is overloaded": Claude Code gives up after three tries, where a 503 would be retried
 * for minutes against a pool that has nothing to offer.
 */
const PROTOCOL_STATUS: Record<Protocol, Partial<Record<ProxyErrorKind, number>>> = {
  gemini: {},
  openai: {},
  anthropic: { no_available_account: 529 },
};

const GOOGLE_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  405: "INVALID_ARGUMENT",
  408: "DEADLINE_EXCEEDED",
  413: "INVALID_ARGUMENT",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
};

const OPENAI_TYPE: Record<ProxyErrorKind, string> = {
  unauthenticated: "invalid_request_error",
  permission_denied: "invalid_request_error",
  bad_request: "invalid_request_error",
  not_found: "invalid_request_error",
  payload_too_large: "invalid_request_error",
  request_timeout: "invalid_request_error",
  method_not_allowed: "invalid_request_error",
  not_implemented: "invalid_request_error",
  no_available_account: "no_available_account",
  upstream_unreachable: "api_error",
  oauth_client_error: "api_error",
  internal_error: "api_error",
};

const ANTHROPIC_TYPE: Record<ProxyErrorKind, string> = {
  unauthenticated: "authentication_error",
  permission_denied: "permission_error",
  bad_request: "invalid_request_error",
  not_found: "not_found_error",
  payload_too_large: "request_too_large",
  request_timeout: "invalid_request_error",
  method_not_allowed: "invalid_request_error",
  not_implemented: "invalid_request_error",
  no_available_account: "overloaded_error",
  upstream_unreachable: "api_error",
  oauth_client_error: "api_error",
  internal_error: "api_error",
};

export interface ProxyError {
  readonly kind: ProxyErrorKind;
  readonly message: string;
  readonly headers?: Record<string, string>;
}

export interface GoogleErrorBody {
  readonly error: { readonly code: number; readonly message: string; readonly status: string };
}

/** Google's error shape: the HTTP status, Google's canonical status name, and the message. */
export function googleErrorBody(
  code: number,
  message: string,
  status = GOOGLE_STATUS[code],
): GoogleErrorBody {
  return { error: { code, message, status: status ?? "UNKNOWN" } };
}

function body(protocol: Protocol, error: ProxyError, status: number): unknown {
  switch (protocol) {
    case "gemini":
      return googleErrorBody(status, error.message);
    case "openai":
      return { error: { message: error.message, type: OPENAI_TYPE[error.kind], code: error.kind } };
    case "anthropic":
      return { type: "error", error: { type: ANTHROPIC_TYPE[error.kind], message: error.message } };
  }
}

/** The HTTP status of a proxy error in a protocol. */
export function errorStatus(protocol: Protocol, kind: ProxyErrorKind): number {
  return PROTOCOL_STATUS[protocol][kind] ?? STATUS[kind];
}

export function errorReply(protocol: Protocol, error: ProxyError): Response {
  const status = errorStatus(protocol, error.kind);
  return Response.json(body(protocol, error, status), { status, headers: error.headers ?? {} });
}

/**
 * The protocol a path speaks, for errors raised before a route runs (auth, body limit). Gemini's
 * methods under `/v1/models/` are Gemini's; `GET /v1/models` itself answers each client in its
 * own shape (models-route.ts).
 */
export function protocolOfPath(path: string): Protocol {
  if (path.startsWith("/v1/messages")) return "anthropic";
  if (path.startsWith("/v1/models/")) return "gemini";
  if (path.startsWith("/v1/")) return "openai";
  return "gemini";
}

/**
 * The reply to what no route answered: an unknown route (404), or an error thrown by a handler
 * (500, logged; the client learns nothing of the cause), in the protocol of the path.
 */
export function unhandledErrorReply(
  failure: { readonly code: unknown; readonly request: Request; readonly error: unknown },
  log: Logger,
): Response {
  const { code, request, error } = failure;
  // The path only, never the query, which may hold a key.
  const path = requestUrl(request).pathname;
  if (code === "NOT_FOUND") {
    return errorReply(protocolOfPath(path), {
      kind: "not_found",
      message: `no route for ${request.method} ${path}`,
    });
  }
  log.error(
    `Unexpected error serving ${request.method} ${path}: ${error instanceof Error ? error.message : String(error)}`,
  );
  return errorReply(protocolOfPath(path), { kind: "internal_error", message: "internal error" });
}
