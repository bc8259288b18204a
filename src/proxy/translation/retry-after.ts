/**
 * The `retry-after` header of an upstream error passed on in a client's protocol: the
 * upstream's own, or the wait the pool learned from the reply (Google's RetryInfo), in whole
 * seconds. Every protocol's SDK reads it before retrying.
 */
import type { UpstreamError } from "../forward-call.ts";

export function retryAfterHeaders(error: UpstreamError): Headers {
  const headers = new Headers();
  const waitMs = error.retryAfterMs;
  const retryAfter =
    error.headers.get("retry-after") ??
    (waitMs === undefined ? null : String(Math.max(1, Math.ceil(waitMs / 1000))));
  if (retryAfter !== null) headers.set("retry-after", retryAfter);
  return headers;
}
