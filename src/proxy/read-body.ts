/**
 * Reads a request body under the limits of the edge (SPEC §6.1): the size limit is enforced from
 * Content-Length before any byte is read, else counted while streaming (chunked bodies) and
 * abandoned at the limit; the whole body must arrive within the body timeout, so a client that
 * trickles bytes (or stops sending) cannot hold a request open. A JSON body must be an object
 * that nests no deeper than MAX_JSON_NESTING.
 *
 * A body with a Content-Length within the limit is read by the runtime in one call
 * (`request.bytes()`), never through a JavaScript stream: HTTP framing holds it to that length,
 * and reading it chunk by chunk in JavaScript cost more CPU than anything else on the request
 * path. Only a chunked body is read as a stream, to stop at the limit.
 */

import { isUtf8 } from "node:buffer";
import { err, ok, type Result } from "../result.ts";
import { type StartTimer, sharedDeadlines } from "../time/shared-deadlines.ts";
import { jsonObjectShapeProblem, MAX_JSON_NESTING, nestsDeeperThan } from "./json-object-scan.ts";
import { errorReply, type Protocol } from "./protocol-errors.ts";
import { BODY_MESSAGE as NOT_OBJECT } from "./translation/envelope-schema.ts";

/**
 * The body deadlines of every request, on one shared interval (time/shared-deadlines.ts); a
 * deadline fires up to half a second late, against a timeout set in whole seconds.
 */
const bodyDeadlines: StartTimer = sharedDeadlines({ tickMs: 250 });

export interface BodyLimits {
  readonly maxBytes: number;
  /** The whole body must have arrived this many milliseconds after reading starts. */
  readonly timeoutMs: number;
  readonly startTimer?: StartTimer;
}

export type BodyFailure =
  | { readonly kind: "too_large"; readonly limit: number }
  | { readonly kind: "timeout"; readonly timeoutMs: number }
  | { readonly kind: "unreadable" };

const TIMED_OUT = Symbol("timed out");

/** A promise that settles to TIMED_OUT when the body timeout passes, and the timer's cancel. */
function startDeadline(limits: BodyLimits): { deadline: Promise<typeof TIMED_OUT>; cancelTimer: () => void } {
  let fire: () => void = () => {};
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    fire = () => resolve(TIMED_OUT);
  });
  return { deadline, cancelTimer: (limits.startTimer ?? bodyDeadlines)(limits.timeoutMs, () => fire()) };
}

async function readAll(
  body: ReadableStream<Uint8Array>,
  limits: BodyLimits,
): Promise<Result<Uint8Array[], BodyFailure>> {
  const reader = body.getReader();
  const { deadline, cancelTimer } = startDeadline(limits);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), deadline]);
      if (next === TIMED_OUT) {
        reader.cancel().catch(() => {});
        return err({ kind: "timeout", timeoutMs: limits.timeoutMs });
      }
      if (next.done) return ok(chunks);
      size += next.value.byteLength;
      if (size > limits.maxBytes) {
        reader.cancel().catch(() => {});
        return err({ kind: "too_large", limit: limits.maxBytes });
      }
      chunks.push(next.value);
    }
  } catch {
    return err({ kind: "unreadable" });
  } finally {
    cancelTimer();
  }
}

/**
 * A body of a declared length within the limit, read whole by the runtime, within the timeout:
 * whichever comes first settles the one promise (no race of two, no async frame around them).
 */
function readDeclared(request: Request, limits: BodyLimits): Promise<Result<Uint8Array, BodyFailure>> {
  return new Promise((settle) => {
    const cancelTimer = (limits.startTimer ?? bodyDeadlines)(limits.timeoutMs, () =>
      // The read cannot be called off; it fails when the connection closes (the reply says close).
      settle(err({ kind: "timeout", timeoutMs: limits.timeoutMs })),
    );
    request.bytes().then(
      (bytes) => {
        cancelTimer();
        settle(ok(bytes));
      },
      () => {
        cancelTimer();
        settle(err({ kind: "unreadable" }));
      },
    );
  });
}

/** A body without a declared length (chunked), counted while read and joined into one array. */
async function readChunked(
  body: ReadableStream<Uint8Array>,
  limits: BodyLimits,
): Promise<Result<Uint8Array, BodyFailure>> {
  const chunks = await readAll(body, limits);
  if (!chunks.ok) return chunks;
  if (chunks.value.length === 1 && chunks.value[0] !== undefined) return ok(chunks.value[0]);
  const bytes = new Uint8Array(chunks.value.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks.value) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return ok(bytes);
}

/** Not async itself: each way of reading is one async call, with no wrapper awaiting it. */
export function readBodyWithLimit(
  request: Request,
  limits: BodyLimits,
): Promise<Result<Uint8Array, BodyFailure>> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    return Promise.resolve(err({ kind: "too_large", limit: limits.maxBytes }));
  }
  // `request.body` is not touched on this path: in Bun, asking for it makes the body a stream.
  if (Number.isFinite(declared)) return readDeclared(request, limits);
  if (request.body === null) return Promise.resolve(ok(new Uint8Array()));
  return readChunked(request.body, limits);
}

const TOO_DEEP = `request body nests objects and arrays deeper than ${MAX_JSON_NESTING} levels`;
const NOT_UTF8 = "request body is not valid UTF-8";

/** Strict UTF-8 dropping a leading byte order mark, which a parser may ignore (RFC 8259 §8.1). */
const UTF8_FOR_PARSING = new TextDecoder("utf-8", { fatal: true });

/** The body as text, or undefined when it is not UTF-8. */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return UTF8_FOR_PARSING.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Checks, without parsing, that a body passing through as bytes is one JSON object in UTF-8
 * within the nesting limit (json-object-scan.ts says what that covers). Parsing a coding agent's
 * 256 kB history only to send the same bytes on cost more than everything else on its way. A
 * leading byte order mark is refused here: it would go upstream with the body.
 */
export function checkJsonObject(bytes: Uint8Array): Result<undefined, string> {
  if (!isUtf8(bytes)) return err(NOT_UTF8);
  switch (jsonObjectShapeProblem(bytes, MAX_JSON_NESTING)) {
    case undefined:
      return ok(undefined);
    case "too_deep":
      return err(TOO_DEEP);
    case "not_object":
      return err(NOT_OBJECT);
    case "malformed":
      return err("request body is not valid JSON (SyntaxError)");
  }
}

/** Parses a body that must be a JSON object; the message says what is wrong, never echoes the body. */
export function parseJsonObject(bytes: Uint8Array): Result<Record<string, unknown>, string> {
  const text = decodeUtf8(bytes);
  if (text === undefined) return err(NOT_UTF8);
  if (nestsDeeperThan(bytes, MAX_JSON_NESTING)) return err(TOO_DEEP);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    return err(`request body is not valid JSON (${(cause as Error).name})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return err(NOT_OBJECT);
  return ok(value as Record<string, unknown>);
}

export type JsonBody = { ok: true; value: Record<string, unknown> } | { ok: false; reply: Response };

/** A body that must be a JSON object, read under the limits; a failure is the protocol's 4xx. */
export async function readJsonObject(
  request: Request,
  limits: BodyLimits,
  protocol: Protocol,
): Promise<JsonBody> {
  const bytes = await readBodyWithLimit(request, limits);
  if (!bytes.ok) return { ok: false, reply: bodyFailureReply(protocol, bytes.error) };
  const body = parseJsonObject(bytes.value);
  if (!body.ok)
    return { ok: false, reply: errorReply(protocol, { kind: "bad_request", message: body.error }) };
  return body;
}

/** The client's reply for a body that could not be read, in its protocol's error format. */
export function bodyFailureReply(protocol: Protocol, failure: BodyFailure): Response {
  switch (failure.kind) {
    case "too_large":
      return errorReply(protocol, {
        kind: "payload_too_large",
        message: `request body exceeds the limit of ${failure.limit} bytes (GRANTPOOL_MAX_BODY_BYTES)`,
        headers: { connection: "close" },
      });
    case "timeout":
      return errorReply(protocol, {
        kind: "request_timeout",
        message: `request body did not arrive within ${failure.timeoutMs / 1000} s (GRANTPOOL_BODY_TIMEOUT)`,
        headers: { connection: "close" },
      });
    case "unreadable":
      return errorReply(protocol, { kind: "bad_request", message: "request body could not be read" });
  }
}
