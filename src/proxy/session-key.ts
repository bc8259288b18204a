/**
 * The sticky-session key of a request (SPEC §5.2): the `x-grantpool-session` header, else a hash of
 * the first user message, so a conversation keeps its account without the client doing anything.
 */
import { hash53 } from "../pool/hash53.ts";

export const SESSION_HEADER = "x-grantpool-session";

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
  return text === undefined ? undefined : `m:${hash53(text).toString(36)}`;
}
