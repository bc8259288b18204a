/**
 * A strict JSON scanner that reports where a document goes wrong and where each member of an
 * object starts and ends. Engines' JSON.parse messages can quote the surrounding text (V8 does,
 * so Deno does), which may be a token: our messages name only a line, a column and punctuation.
 *
 * Ours rather than jsonc-parser: its `modify` edits the first of duplicated keys (JSON.parse reads
 * the last), cannot insert raw values (`1.0`, 23-digit integers), and places errors inside strings
 * at the string's start — each of which would break a guarantee the account files rely on.
 */

export class JsonSyntaxError extends Error {
  readonly code = "JSON_SYNTAX";
  readonly line: number;
  readonly column: number;

  constructor(problem: string, line: number, column: number) {
    super(`${problem} at line ${line}, column ${column}`);
    this.name = "JsonSyntaxError";
    this.line = line;
    this.column = column;
  }
}

/** One element of an array, as a span of the source text. */
export interface ValueSpan {
  readonly start: number;
  readonly end: number;
}

/** One member of an object, as spans of the source text. */
export interface MemberSpan {
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

// Deep enough for any account file, shallow enough that recursion cannot exhaust the stack.
const MAX_DEPTH = 256;
const PUNCTUATION = new Set(["{", "}", "[", "]", ",", ":", '"']);
const ESCAPABLE = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
const HEX = /^[0-9a-fA-F]{4}$/;

function isDigit(code: number | undefined): boolean {
  return code !== undefined && code >= 48 && code <= 57;
}

class Scanner {
  pos = 0;

  constructor(readonly text: string) {}

  fail(problem?: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split("\n").length;
    const column = this.pos - before.lastIndexOf("\n");
    if (problem !== undefined) throw new JsonSyntaxError(problem, line, column);
    const char = this.text[this.pos];
    if (char === undefined) throw new JsonSyntaxError("Unexpected end of JSON", line, column);
    const what = PUNCTUATION.has(char) ? `Unexpected "${char}"` : "Unexpected character";
    throw new JsonSyntaxError(what, line, column);
  }

  whitespace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") return;
      this.pos++;
    }
  }

  expect(char: string): void {
    if (this.text[this.pos] !== char) this.fail();
    this.pos++;
  }

  value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail("Nesting too deep");
    const c = this.text[this.pos];
    if (c === "{") this.object(depth + 1);
    else if (c === "[") this.array(depth + 1);
    else if (c === '"') this.string();
    else if (c === "-" || isDigit(this.text.charCodeAt(this.pos))) this.number();
    else if (c === "t") this.literal("true");
    else if (c === "f") this.literal("false");
    else if (c === "n") this.literal("null");
    else this.fail();
  }

  /** `open`, then items separated by commas, then `close`; `item` scans one item. */
  sequence(open: string, close: string, item: () => void): void {
    this.expect(open);
    this.whitespace();
    if (this.text[this.pos] === close) {
      this.pos++;
      return;
    }
    for (;;) {
      this.whitespace();
      item();
      this.whitespace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return;
      }
      this.expect(",");
    }
  }

  object(depth: number, members?: MemberSpan[]): void {
    this.sequence("{", "}", () => {
      const keyStart = this.pos;
      if (this.text[this.pos] !== '"') this.fail();
      this.string();
      const keyEnd = this.pos;
      this.whitespace();
      this.expect(":");
      this.whitespace();
      const valueStart = this.pos;
      this.value(depth);
      members?.push({ keyStart, keyEnd, valueStart, valueEnd: this.pos });
    });
  }

  array(depth: number, elements?: ValueSpan[]): void {
    this.sequence("[", "]", () => {
      const start = this.pos;
      this.value(depth);
      elements?.push({ start, end: this.pos });
    });
  }

  string(): void {
    this.pos++; // the opening quote
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (Number.isNaN(code)) this.fail("Unterminated string");
      if (code === 34) {
        this.pos++;
        return;
      }
      if (code < 32) this.fail("Control character in string");
      if (code === 92) this.escape();
      else this.pos++;
    }
  }

  escape(): void {
    const next = this.text[this.pos + 1];
    if (next !== undefined && ESCAPABLE.has(next)) {
      this.pos += 2;
    } else if (next === "u" && HEX.test(this.text.slice(this.pos + 2, this.pos + 6))) {
      this.pos += 6;
    } else {
      this.fail("Invalid escape in string");
    }
  }

  digits(): void {
    if (!isDigit(this.text.charCodeAt(this.pos))) this.fail();
    while (isDigit(this.text.charCodeAt(this.pos))) this.pos++;
  }

  number(): void {
    if (this.text[this.pos] === "-") this.pos++;
    if (this.text[this.pos] === "0") this.pos++;
    else this.digits();
    if (this.text[this.pos] === ".") {
      this.pos++;
      this.digits();
    }
    if (this.text[this.pos] === "e" || this.text[this.pos] === "E") {
      this.pos++;
      if (this.text[this.pos] === "+" || this.text[this.pos] === "-") this.pos++;
      this.digits();
    }
  }

  literal(word: string): void {
    if (this.text.slice(this.pos, this.pos + word.length) !== word) this.fail();
    this.pos += word.length;
  }

  end(): void {
    this.whitespace();
    if (this.pos < this.text.length) this.fail();
  }
}

/** Throws JsonSyntaxError unless `text` is exactly one JSON value. */
export function checkJsonSyntax(text: string): void {
  const scanner = new Scanner(text);
  scanner.whitespace();
  scanner.value(0);
  scanner.end();
}

/** Scans `text` as one `open`-delimited JSON value, collecting with `scan`. */
function scanWhole<T>(
  text: string,
  open: string,
  expected: string,
  scan: (scanner: Scanner, found: T[]) => void,
): T[] {
  const scanner = new Scanner(text);
  const found: T[] = [];
  scanner.whitespace();
  if (text[scanner.pos] !== open) scanner.fail(`Expected a JSON ${expected}`);
  scan(scanner, found);
  scanner.end();
  return found;
}

/**
 * The spans of the members of the JSON object `text` (in source order, duplicates included).
 * Throws JsonSyntaxError when `text` is not one JSON object.
 */
export function scanObjectMembers(text: string): MemberSpan[] {
  return scanWhole<MemberSpan>(text, "{", "object", (scanner, members) => scanner.object(1, members));
}

/** The spans of the elements of the JSON array `text`. Throws JsonSyntaxError when it is not one. */
export function scanArrayElements(text: string): ValueSpan[] {
  return scanWhole<ValueSpan>(text, "[", "array", (scanner, elements) => scanner.array(1, elements));
}
