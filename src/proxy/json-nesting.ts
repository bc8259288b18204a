/**
 * How deeply a JSON text nests, found without parsing it. A client's body nested 50,000 deep is
 * cheap to send and expensive for everything after it (parsing, walking, serializing again for the
 * upstream); such a body is refused before any account is chosen. Strings are skipped with the
 * native `indexOf`, so large base64 payloads cost almost nothing.
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
function skipString(bytes: Uint8Array, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, at);
    if (quote === -1) return bytes.length;
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

/** True when the JSON text (UTF-8) opens more than `limit` objects and arrays inside each other. */
export function nestsDeeperThan(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  for (let at = 0; at < bytes.length; ) {
    const byte = bytes[at];
    if (byte === QUOTE) {
      at = skipString(bytes, at);
      continue;
    }
    if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth++;
      if (depth > limit) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
    }
    at++;
  }
  return false;
}
