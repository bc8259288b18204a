/**
 * Google's error reply → OpenAI's: `{"error": {message, type, param, code}}` with the status
 * OpenAI's SDKs act on (they retry 408, 409, 429 and 5xx, and read `retry-after`). Google's
 * message is kept (translation/google-error.ts decides the status and message); the type is
 * OpenAI's for that status: `invalid_request_error` for most 4xx, `authentication_error`,
 * `permission_error`, `rate_limit_error` (code `rate_limit_exceeded`), `server_error` for 5xx.
 */
import type { UpstreamError } from "../forward-call.ts";
import { summarizeGoogleError } from "../translation/google-error.ts";
import { retryAfterHeaders } from "../translation/retry-after.ts";

export interface OpenAiError {
  readonly status: number;
  readonly body: {
    error: { message: string; type: string; param: null; code: string | null };
  };
}

const TYPES: Record<number, { type: string; code: string | null }> = {
  401: { type: "authentication_error", code: "invalid_api_key" },
  403: { type: "permission_error", code: null },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "rate_limit_error", code: "rate_limit_exceeded" },
};

function statusFor(status: number): number {
  return status >= 400 && status <= 599 && status !== 499 ? status : 500;
}

export function openAiErrorFromGoogle(status: number, bodyText: string): OpenAiError {
  const google = summarizeGoogleError(status, bodyText);
  const decisive = statusFor(google.status);
  const known = TYPES[decisive] ?? {
    type: decisive >= 500 ? "server_error" : "invalid_request_error",
    code: null,
  };
  return {
    status: decisive,
    body: { error: { message: google.message, type: known.type, param: null, code: known.code } },
  };
}

/** An upstream error passed on to an OpenAI client (ReplyAdapter.upstreamError). */
export function openAiUpstreamError(error: UpstreamError): Response {
  const mapped = openAiErrorFromGoogle(error.status, error.body);
  return Response.json(mapped.body, { status: mapped.status, headers: retryAfterHeaders(error) });
}
