/**
 * An upstream profile (SPEC §6.3) turns a client's Gemini call into the upstream's request and the
 * upstream's successful reply back into plain Gemini. Errors pass through unchanged: both
 * profiles answer errors in Google's format.
 */
import type { Lease } from "../../pool/lease.ts";
import type { FetchQuota } from "../../pool/quota-refresher.ts";
import { err, ok, type Result } from "../../result.ts";

export type GeminiAction =
  | "generateContent"
  | "streamGenerateContent"
  | "countTokens"
  | "embedContent"
  | "batchEmbedContents";

export interface GeminiCall {
  readonly model: string;
  readonly action: GeminiAction;
  /**
   * The request body. Absent when a Gemini client's bytes pass through unparsed (`rawBody`): only a
   * profile whose `readsBody` says so, or a sticky session's key, needs it parsed.
   */
  readonly body?: Record<string, unknown>;
  /**
   * The client's body as it arrived (the Gemini-native routes): sent upstream byte for byte
   * instead of serializing `body` again.
   */
  readonly rawBody?: Uint8Array;
  /** The client's query string minus its API key (`alt=sse` and the like); read-only, may be the request URL's own. */
  readonly query: URLSearchParams;
  /** The client's own `user-agent`, passed on with grantpool's product token appended. */
  readonly userAgent?: string | null;
}

export interface PreparedRequest {
  readonly url: string;
  readonly init: RequestInit;
}

/** Why a profile could not prepare the upstream request; what it means decides who is blamed. */
export type ProfileFailure =
  /** A call made on the way was refused (e.g. loadCodeAssist): counts like an upstream reply would. */
  | { readonly kind: "reply"; readonly reply: Response }
  /** A call made on the way got no reply: transient for the account, like a failed upstream call. */
  | { readonly kind: "unreachable"; readonly cause: unknown }
  /** The client's body cannot be serialized (too deeply nested, say): the client's fault, no account's. */
  | { readonly kind: "unserializable_body"; readonly cause: unknown };

/** Why quota cannot be fetched with the Gemini API profile (a profile without fetchQuota). */
export const NO_QUOTA_SOURCE =
  "The gemini upstream profile has no quota endpoint: the Gemini API tells quota only in its 429 replies, which cool the account down per model; quota is fetched with --upstream-profile code-assist";

export interface UpstreamProfile {
  readonly name: "gemini" | "code-assist";
  /**
   * Asks Google for an account's quota per model, where the API has a way (Cloud Code Assist);
   * absent for the Gemini API, which tells quota only in its 429 replies.
   */
  readonly fetchQuota?: FetchQuota;
  /** At once when nothing has to be fetched first (the Gemini profile), else a promise. */
  prepare(
    call: GeminiCall,
    lease: Lease,
    signal: AbortSignal,
  ): Result<PreparedRequest, ProfileFailure> | Promise<Result<PreparedRequest, ProfileFailure>>;
  /** Whether preparing `action` reads the parsed body (else the client's bytes are enough). */
  readsBody(action: GeminiAction): boolean;
  /**
   * Adapts a 2xx reply for the client. A streamed reply is made by `follow`, from the stream the
   * client is to get: the proxy follows every stream (a break is logged, its duration ends with its
   * last byte), and a reply made first would only be copied.
   */
  adaptSuccess(reply: Response, call: GeminiCall, follow: FollowStream): Response | Promise<Response>;
}

/** Makes the client's reply from a stream, followed to its end. */
export type FollowStream = (body: ReadableStream<Uint8Array>, init: ResponseInit) => Response;

/**
 * Headers every upstream call carries: the account's token, never the client's key. A record of
 * the call's own (fetch builds its headers from it; a Headers object in between cost more).
 */
export function upstreamHeaders(lease: Lease, extra: Record<string, string> = {}): Record<string, string> {
  return {
    authorization: `Bearer ${lease.accessToken}`,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    ...extra,
  };
}

const PASSED_REPLY_HEADERS = ["content-type", "retry-after", "x-goog-request-id", "server-timing"];

/**
 * The upstream reply's headers worth passing on (not its length or encoding, which change), as a
 * record: a reply made from it builds its own headers once, with no Headers object in between.
 */
export function passedReplyHeaders(reply: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of PASSED_REPLY_HEADERS) {
    const value = reply.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return headers;
}

/** The upstream reply's headers worth passing on, as Headers for those that change them further. */
export function replyHeaders(reply: Response): Headers {
  return new Headers(passedReplyHeaders(reply));
}

export type UpstreamBody = string | Uint8Array;

/** The call's body for the upstream: the client's own bytes when it has them, else serialized. */
export function callBody(call: GeminiCall): Result<UpstreamBody, ProfileFailure> {
  return call.rawBody === undefined ? serializeBody(call.body ?? {}) : ok(call.rawBody);
}

/** The upstream request body as JSON text; a value JSON.stringify refuses is the client's fault. */
export function serializeBody(value: unknown): Result<string, ProfileFailure> {
  try {
    return ok(JSON.stringify(value));
  } catch (cause) {
    return err({ kind: "unserializable_body", cause });
  }
}
