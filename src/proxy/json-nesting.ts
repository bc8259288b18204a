/**
 * How deeply a JSON text nests, found without parsing it. A client's body nested 50,000 deep is
 * cheap to send and expensive for everything after it (parsing, walking, serializing again for the
 * upstream); such a body is refused before any account is chosen. Strings are skipped with
 * `String.prototype.indexOf`, which the engine compiles inline, so large base64 payloads cost
 * almost nothing and a body of code — a quote every few dozen characters, most of them escaped —
 * costs one short search per quote. The caller hands in the body as text (decoded, or its bytes
 * one character each): the same search over a Uint8Array is a call into the runtime per quote,
 * ≈ 1.2× slower on such bodies.
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

/** JSON's own whitespace (RFC 8259 §2): space, tab, line feed, carriage return. */
function isJsonWhitespace(unit: number): boolean {
  return unit === 0x20 || unit === 0x09 || unit === 0x0a || unit === 0x0d;
}

/** Bytes a JSON text other than an object can begin with: `[`, `"`, `-`, a digit, true/false/null. */
const OTHER_VALUE_START = /^[["\-0-9tfn]$/;

export type ShapeProblem = "not_object" | "too_deep" | "malformed";

/** What the first value of a text is, when it is not an object. */
function leadProblem(text: string, at: number): ShapeProblem | undefined {
  if (text.charCodeAt(at) === OPEN_OBJECT) return undefined;
  return at < text.length && OTHER_VALUE_START.test(text.charAt(at)) ? "not_object" : "malformed";
}

/** Whether nothing but whitespace follows `from`. */
function onlyWhitespaceFrom(text: string, from: number): boolean {
  for (let at = from; at < text.length; at++) if (!isJsonWhitespace(text.charCodeAt(at))) return false;
  return true;
}

/**
 * Walks the object that opens at `start`: the index just after its closing `}`, or what is wrong.
 * `open` holds the bracket of each level, so a `]` that closes a `{` is caught.
 */
function closeOfObject(text: string, start: number, limit: number): number | ShapeProblem {
  const open = new Uint8Array(limit + 1);
  let depth = 0;
  for (let at = start; at < text.length; ) {
    const unit = text.charCodeAt(at);
    if (unit === QUOTE) {
      at = skipString(text, at); // an unterminated string runs to the end: the object stays open
      continue;
    }
    if (unit === OPEN_OBJECT || unit === OPEN_ARRAY) {
      if (depth === limit) return "too_deep";
      open[depth++] = unit;
    } else if (unit === CLOSE_OBJECT || unit === CLOSE_ARRAY) {
      const opener = unit === CLOSE_OBJECT ? OPEN_OBJECT : OPEN_ARRAY;
      if (depth === 0 || open[depth - 1] !== opener) return "malformed";
      depth--;
      if (depth === 0) return at + 1;
    }
    at++;
  }
  return "malformed";
}

/**
 * What keeps a JSON text from being one object, found without parsing it: it must open with
 * `{` (after whitespace), close every object and array in order without nesting deeper than
 * `limit`, end every string, and have nothing but whitespace after its closing `}`. Used where a
 * body passes through as bytes: the JSON grammar inside it (`{a}`) is then the upstream's to judge.
 */
export function jsonObjectShapeProblem(text: string, limit: number): ShapeProblem | undefined {
  let start = 0;
  while (start < text.length && isJsonWhitespace(text.charCodeAt(start))) start++;
  const lead = leadProblem(text, start);
  if (lead !== undefined) return lead;
  const end = closeOfObject(text, start, limit);
  if (typeof end !== "number") return end;
  return onlyWhitespaceFrom(text, end) ? undefined : "malformed";
}
