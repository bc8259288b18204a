/**
 * Edits a JSON object without re-serializing what it does not understand. Members are kept as
 * their raw source text, so a value like `1.0`, `12345678901234567890123` or `"\u00e9"` survives a
 * rewrite exactly; JSON.parse/JSON.stringify would turn them into `1`, `1.2345678901234568e+22`, `"é"`.
 */
import { isDeepStrictEqual } from "node:util";
import { scanArrayElements, scanObjectMembers } from "./json-scanner.ts";

/** A member as it appears in the source: its decoded key and the raw text of key and value. */
export interface RawMember {
  readonly key: string;
  readonly rawKey: string;
  readonly rawValue: string;
}

/** The members of the JSON object `text`, in source order. Throws JsonSyntaxError on bad input. */
export function readRawMembers(text: string): RawMember[] {
  return scanObjectMembers(text).map((span) => {
    const rawKey = text.slice(span.keyStart, span.keyEnd);
    return {
      key: JSON.parse(rawKey) as string,
      rawKey,
      rawValue: text.slice(span.valueStart, span.valueEnd),
    };
  });
}

/** The elements of the JSON array `text` as raw text, in order. Throws JsonSyntaxError on bad input. */
export function readRawElements(text: string): string[] {
  return scanArrayElements(text).map((span) => text.slice(span.start, span.end));
}

/** A JSON value grantpool produces itself. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { [key: string]: JsonValue };

/** Pretty-prints an object whose members are already raw JSON text, with 2-space indentation. */
export function renderRawObject(
  members: readonly Pick<RawMember, "rawKey" | "rawValue">[],
  depth = 0,
): string {
  if (members.length === 0) return "{}";
  const inner = "  ".repeat(depth + 1);
  const lines = members.map((member) => `${inner}${member.rawKey}: ${member.rawValue}`);
  return `{\n${lines.join(",\n")}\n${"  ".repeat(depth)}}`;
}

/** Pretty-prints an array whose elements are already raw JSON text, with 2-space indentation. */
export function renderRawArray(elements: readonly string[], depth = 0): string {
  if (elements.length === 0) return "[]";
  const inner = "  ".repeat(depth + 1);
  return `[\n${elements.map((element) => `${inner}${element}`).join(",\n")}\n${"  ".repeat(depth)}]`;
}

/** Pretty-prints a value of ours at `depth`, so it lines up with the members around it. */
export function renderJson(value: JsonValue, depth: number): string {
  const text = JSON.stringify(value, null, 2);
  return text.split("\n").join(`\n${"  ".repeat(depth)}`);
}

/**
 * The raw text for a member we know, at `depth`: the previous raw text when it still means the
 * same value (so an untouched `"created_at": 1760000000.0` stays as it was), else ours.
 */
export function rawFor(value: JsonValue, previousRaw: string | undefined, depth: number): string {
  if (previousRaw !== undefined && isDeepStrictEqual(JSON.parse(previousRaw), value)) return previousRaw;
  return renderJson(value, depth);
}

/** A leading byte-order mark is tolerated on read (some editors add one) and dropped on write. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
