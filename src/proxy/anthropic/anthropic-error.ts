/**
 * Google's error reply → Anthropic's: the status a client of the Messages API expects and the
 * body `{type: "error", error: {type, message}}`. Google's message is kept (it is what a user
 * needs to see: quota, model not found, invalid argument); a body that is not Google's error
 * JSON gives a message naming only the status, never the body's text.
 */
import { isRecord } from "./is-record.ts";

export interface AnthropicError {
  readonly status: number;
  readonly body: { type: "error"; error: { type: string; message: string } };
}

const TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  503: "overloaded_error",
  529: "overloaded_error",
};

/** Anthropic's status for a Google status: its overload is 529; other statuses keep their number. */
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

/** Google's `{error: {message, status}}`, also inside the one-element array of a streamed reply. */
function googleMessage(bodyText: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const value = Array.isArray(parsed) ? parsed[0] : parsed;
  const error = isRecord(value) ? value.error : undefined;
  if (!isRecord(error) || typeof error.message !== "string" || error.message === "") return undefined;
  return typeof error.status === "string" && error.status !== ""
    ? `${error.message} (${error.status})`
    : error.message;
}

export function anthropicErrorFromGoogle(status: number, bodyText: string): AnthropicError {
  const message = googleMessage(bodyText) ?? `the upstream answered with HTTP ${status}`;
  return { status: statusFor(status), body: { type: "error", error: { type: typeFor(status), message } } };
}
