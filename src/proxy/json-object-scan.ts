/**
 * What a body's bytes are as JSON, found without parsing them. A client's body nested 50,000 deep
 * is cheap to send and expensive for everything after it (parsing, walking, serializing again for
 * the upstream); such a body is refused before any account is chosen, and before it is parsed.
 *
 * `jsonObjectShapeProblem`: the text must open with `{` (after whitespace), close every object and
 * array in order without nesting deeper than the limit, end every string, and have nothing but
 * whitespace after its closing `}`. Used where a body passes through as bytes: the JSON grammar
 * inside the object (`{a}`) is then the upstream's to judge. For every text that parses, the
 * verdict is the parser's. `nestsDeeperThan`: the depth alone, before a body is parsed.
 *
 * The brackets and strings are found by a WebAssembly SIMD scan, 64 bytes at a time
 * (json-object-scan.wat): a coding agent's 256 kB history — code, a quote every few dozen bytes,
 * most of them escaped — costs a few dozen µs, where a walk in JavaScript, one search per quote,
 * cost several times that and more than the rest of the request.
 */
import { WASM_BASE64 } from "./json-object-scan.wasm.ts";

/** Deeper than any request of the Gemini, OpenAI or Anthropic APIs, tool schemas included. */
export const MAX_JSON_NESTING = 100;

export type ShapeProblem = "not_object" | "too_deep" | "malformed";

/** Where the text starts in the module's memory: the bytes before hold the open brackets. */
const TEXT_OFFSET = 1024;
/** The scan reads whole blocks: the text is followed by this many zero bytes. */
const BLOCK_BYTES = 64;
const PAGE_BYTES = 65_536;
/**
 * Bodies up to this size are scanned in one long-lived memory; a larger one gets a memory of its
 * own, let go after the scan (a WebAssembly memory never shrinks).
 */
const RESIDENT_BYTES = 4 * 1024 * 1024;

interface Scanner {
  readonly memory: WebAssembly.Memory;
  readonly scan: (length: number, limit: number) => number;
}

const MODULE = new WebAssembly.Module(Uint8Array.from(atob(WASM_BASE64), (char) => char.charCodeAt(0)));

function newScanner(): Scanner {
  const { exports } = new WebAssembly.Instance(MODULE, {});
  return exports as unknown as Scanner;
}

let resident: Scanner | undefined;

/** The long-lived scanner for a body of `length` bytes, or a scanner of its own for a large one. */
function scannerFor(length: number): Scanner {
  if (length > RESIDENT_BYTES) return newScanner();
  resident ??= newScanner();
  return resident;
}

/**
 * The index just after the bracket that closes the text's first one, or what is wrong (the scan's
 * codes, see the .wat).
 */
function closeOfFirstValue(bytes: Uint8Array, limit: number): number | ShapeProblem {
  const scanner = scannerFor(bytes.length);
  const needed = TEXT_OFFSET + bytes.length + BLOCK_BYTES;
  const current = scanner.memory.buffer.byteLength;
  if (current < needed) scanner.memory.grow(Math.ceil((needed - current) / PAGE_BYTES));
  const memory = new Uint8Array(scanner.memory.buffer);
  memory.set(bytes, TEXT_OFFSET);
  memory.fill(0, TEXT_OFFSET + bytes.length, needed);
  const end = scanner.scan(bytes.length, limit);
  if (end >= 0) return end;
  return end === -2 ? "too_deep" : "malformed";
}

/** JSON's own whitespace (RFC 8259 §2): space, tab, line feed, carriage return. */
function isJsonWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/** Bytes a JSON text other than an object can begin with: `[`, `"`, `-`, a digit, true/false/null. */
function startsOtherValue(byte: number): boolean {
  return (
    byte === 0x5b ||
    byte === 0x22 ||
    byte === 0x2d ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x74 ||
    byte === 0x66 ||
    byte === 0x6e
  );
}

/** The deepest nesting the scan can hold (its bracket stack's size). */
export const MAX_SCAN_NESTING = TEXT_OFFSET;

function checkLimit(limit: number): void {
  if (limit > MAX_SCAN_NESTING) throw new RangeError(`nesting limit ${limit} is over ${MAX_SCAN_NESTING}`);
}

/**
 * True when the JSON text opens more than `limit` objects and arrays inside each other, brackets
 * inside strings left out. The scan follows the first bracketed value to where it closes or goes
 * wrong: a parser fails on whatever comes after it, or where it went wrong, before nesting deeper.
 */
export function nestsDeeperThan(bytes: Uint8Array, limit: number): boolean {
  checkLimit(limit);
  return closeOfFirstValue(bytes, limit) === "too_deep";
}

/** What keeps `bytes` from being one JSON object nesting at most `limit` deep, if anything. */
export function jsonObjectShapeProblem(bytes: Uint8Array, limit: number): ShapeProblem | undefined {
  checkLimit(limit);
  let start = 0;
  while (isJsonWhitespace(bytes[start])) start++;
  const lead = bytes[start];
  if (lead === undefined) return "malformed";
  if (lead !== 0x7b) return startsOtherValue(lead) ? "not_object" : "malformed";
  const end = closeOfFirstValue(bytes, limit);
  if (typeof end !== "number") return end;
  for (let at = end; at < bytes.length; at++) if (!isJsonWhitespace(bytes[at])) return "malformed";
  return undefined;
}
