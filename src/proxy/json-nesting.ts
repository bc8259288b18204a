/**
 * How deeply a JSON text nests, found without parsing it, before a body grantpool must read is
 * parsed. A client's body nested 50,000 deep is cheap to send and expensive for everything after
 * it (parsing, walking, serializing again for the upstream); such a body is refused before any
 * account is chosen. Strings are skipped with `String.prototype.indexOf`, which the engine
 * compiles inline. (A body that passes through as bytes is checked by json-object-scan.ts.)
 */

/** Deeper than any request of the Gemini, OpenAI or Anthropic APIs, tool schemas included. */
export const MAX_JSON_NESTING = 100;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

/** The index just after the string that opens at `start` (a quote), or the length when unterminated. */
function skipString(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

/** True when the JSON text opens more than `limit` objects and arrays inside each other. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let at = 0; at < text.length; ) {
    const unit = text.charCodeAt(at);
    if (unit === QUOTE) {
      at = skipString(text, at);
      continue;
    }
    if (unit === OPEN_OBJECT || unit === OPEN_ARRAY) {
      depth++;
      if (depth > limit) return true;
    } else if (unit === CLOSE_OBJECT || unit === CLOSE_ARRAY) {
      depth--;
    }
    at++;
  }
  return false;
}
