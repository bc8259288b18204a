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

/** JSON's own whitespace (RFC 8259 §2): space, tab, line feed, carriage return. */
function isJsonWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/** Bytes a JSON text other than an object can begin with: `[`, `"`, `-`, a digit, true/false/null. */
const OTHER_VALUE_START = /^[["\-0-9tfn]$/;

export type ShapeProblem = "not_object" | "too_deep" | "malformed";

/** What the first value of a text is, when it is not an object. */
function leadProblem(bytes: Uint8Array, at: number): ShapeProblem | undefined {
  const first = bytes[at];
  if (first === OPEN_OBJECT) return undefined;
  return first !== undefined && OTHER_VALUE_START.test(String.fromCharCode(first))
    ? "not_object"
    : "malformed";
}

/** Whether nothing but whitespace follows `from`. */
function onlyWhitespaceFrom(bytes: Uint8Array, from: number): boolean {
  for (let at = from; at < bytes.length; at++) if (!isJsonWhitespace(bytes[at])) return false;
  return true;
}

/**
 * Walks the object that opens at `start`: the index just after its closing `}`, or what is wrong.
 * `open` holds the bracket of each level, so a `]` that closes a `{` is caught.
 */
function closeOfObject(bytes: Uint8Array, start: number, limit: number): number | ShapeProblem {
  const open = new Uint8Array(limit + 1);
  let depth = 0;
  for (let at = start; at < bytes.length; ) {
    const byte = bytes[at];
    if (byte === QUOTE) {
      at = skipString(bytes, at); // an unterminated string runs to the end: the object stays open
      continue;
    }
    if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (depth === limit) return "too_deep";
      open[depth++] = byte;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      const opener = byte === CLOSE_OBJECT ? OPEN_OBJECT : OPEN_ARRAY;
      if (depth === 0 || open[depth - 1] !== opener) return "malformed";
      depth--;
      if (depth === 0) return at + 1;
    }
    at++;
  }
  return "malformed";
}

/**
 * What keeps a UTF-8 JSON text from being one object, found without parsing it: it must open with
 * `{` (after whitespace), close every object and array in order without nesting deeper than
 * `limit`, end every string, and have nothing but whitespace after its closing `}`. Used where a
 * body passes through as bytes: the JSON grammar inside it (`{a}`) is then the upstream's to judge.
 */
export function jsonObjectShapeProblem(bytes: Uint8Array, limit: number): ShapeProblem | undefined {
  let start = 0;
  while (isJsonWhitespace(bytes[start])) start++;
  const lead = leadProblem(bytes, start);
  if (lead !== undefined) return lead;
  const end = closeOfObject(bytes, start, limit);
  if (typeof end !== "number") return end;
  return onlyWhitespaceFrom(bytes, end) ? undefined : "malformed";
}
