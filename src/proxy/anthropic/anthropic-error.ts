/**
 * Google's error reply → Anthropic's: the status a client of the Messages API expects and the
 * body `{type: "error", error: {type, message}}`. Google's message is kept (it is what a user
 * needs to see: quota, model not found, invalid argument); a body that is not Google's error
 * JSON gives a message naming only the status, never the body's text.
 *
 * Google's status string (`RESOURCE_EXHAUSTED`, `UNAVAILABLE`, …), when it is one of the
 * canonical codes, decides over the HTTP status: the two agree on a whole reply, and an error
 * event inside a stream may carry no HTTP code at all. Anthropic's own statuses: overload is
 * 529 (Google's 503), a deadline 504 `timeout_error`, a conflict 409 `conflict_error`; other
 * statuses keep their number, with `invalid_request_error` for 4xx and `api_error` for 5xx.
 */
import { summarizeGoogleError } from "../translation/google-error.ts";

export interface AnthropicError {
  readonly status: number;
  readonly body: { type: "error"; error: { type: string; message: string } };
}

const TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  409: "conflict_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  503: "overloaded_error",
  504: "timeout_error",
  529: "overloaded_error",
};

/** Anthropic's status for a Google status: its overload is 529; other errors keep their number. */
function statusFor(status: number): number {
  if (status === 503 || status === 529) return 529;
  if (status >= 400 && status <= 599) return status;
  return 500;
}

function typeFor(status: number): string {
  const known = TYPES[status];
  if (known !== undefined) return known;
  return status >= 500 || status < 400 ? "api_error" : "invalid_request_error";
}

export function anthropicErrorFromGoogle(status: number, bodyText: string): AnthropicError {
  const google = summarizeGoogleError(status, bodyText);
  const decisive = statusFor(google.status);
  return {
    status: decisive,
    body: { type: "error", error: { type: typeFor(decisive), message: google.message } },
  };
}
