/**
 * The sticky-session key of a request (SPEC §5.2): the `x-grantpool-session` header, else a hash of
 * the first user message, so a conversation keeps its account without the client doing anything.
 * The hash covers the message's length and its first HASHED_CHARACTERS characters: enough to
 * tell conversations apart, at a cost that does not grow with the message (coding agents send
 * first messages of hundreds of kilobytes, and hashing them whole cost more than the rest of
 * the request).
 */
import { hash53 } from "../pool/hash53.ts";

const SESSION_HEADER = "x-grantpool-session";
export const HASHED_CHARACTERS = 1024;

function firstUserText(body: Record<string, unknown>): string | undefined {
  const contents = body.contents;
  if (!Array.isArray(contents)) return undefined;
  const first = contents.find(
    (c): c is { parts?: unknown } =>
      typeof c === "object" && c !== null && (c as { role?: unknown }).role !== "model",
  );
  if (first === undefined || !Array.isArray(first.parts)) return undefined;
  const text = first.parts
    .map((p: unknown) => (typeof p === "object" && p !== null ? (p as { text?: unknown }).text : undefined))
    .filter((t): t is string => typeof t === "string")
    .join("\n");
  return text === "" ? undefined : text;
}

export function sessionKeyOf(headers: Headers, body: Record<string, unknown>): string | undefined {
  const header = headers.get(SESSION_HEADER)?.trim();
  if (header) return `h:${header}`;
  const text = firstUserText(body);
  if (text === undefined) return undefined;
  return `m:${hash53(`${text.length}:${text.slice(0, HASHED_CHARACTERS)}`).toString(36)}`;
}

/**
 * The session a client names itself (`named`, already prefixed by where it came from), unless
 * `x-grantpool-session` overrides it; else the key of sessionKeyOf, computed only when the pool's
 * strategy reads keys.
 */
export function clientSessionKey(
  request: Request,
  named: string | undefined,
  body: Record<string, unknown>,
): string | (() => string | undefined) {
  if (named !== undefined && !request.headers.has(SESSION_HEADER)) return named;
  return () => sessionKeyOf(request.headers, body);
}
