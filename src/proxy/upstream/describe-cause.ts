/**
 * One line saying why a call failed, for logs and client messages: the error's name, code and
 * message (`TypeError (ECONNREFUSED): Unable to connect…`, `TimeoutError: The operation timed
 * out.`), following `cause` a few levels. Never a token or a URL's query: URLs lose their query,
 * token shapes are masked, and properties that carry the URL (`path`) are left out.
 */
import { redact } from "../../log/redact.ts";

const MAX_DEPTH = 3;
const MAX_LENGTH = 300;

function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  // DOMException's numeric legacy codes say nothing the name does not.
  return typeof code === "string" && code !== "" ? code : undefined;
}

function describeOne(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = codeOf(cause);
  const head = code === undefined || cause.message.includes(code) ? cause.name : `${cause.name} (${code})`;
  return cause.message === "" ? head : `${head}: ${cause.message}`;
}

function withoutQueries(text: string): string {
  return text.replace(/\b(https?:\/\/[^\s?#"']*)[?#][^\s"']*/g, "$1");
}

export function describeCause(cause: unknown): string {
  const parts: string[] = [];
  let current: unknown = cause;
  for (let depth = 0; depth < MAX_DEPTH && current !== undefined; depth++) {
    parts.push(describeOne(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  const text = redact(withoutQueries(parts.join("; caused by ")));
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 3)}...` : text;
}
