import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  jsonObjectShapeProblem,
  MAX_SCAN_NESTING,
  nestsDeeperThan,
} from "../../../src/proxy/json-object-scan.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);
const shape = (text: string, limit = 100) => jsonObjectShapeProblem(utf8(text), limit);

/** The nesting depth JSON.parse sees, for comparison. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

/** Strings made of what moves the scan's state: quotes, backslashes, brackets, and a filler. */
const trickyString = fc.string({
  unit: fc.constantFrom('"', "\\", "[", "]", "{", "}", "a", " ", "é"),
  maxLength: 200,
});

/** Objects whose strings are tricky and long enough to cross the scan's 64-byte blocks. */
const trickyObject = fc.letrec((tie) => ({
  value: fc.oneof(
    { maxDepth: 6 },
    trickyString,
    fc.integer(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    tie("object"),
  ),
  object: fc.dictionary(trickyString, tie("value"), { maxKeys: 4 }),
})).object;

describe("nestsDeeperThan", () => {
  const deeper = (text: string, limit: number) => nestsDeeperThan(utf8(text), limit);

  test("counts objects and arrays, not brackets inside strings or after escaped quotes", () => {
    expect(deeper('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(deeper('{"a":[{"b":1}]}', 2)).toBe(true);
    expect(deeper('{"a":"[[[[{{{{"}', 1)).toBe(false);
    expect(deeper('{"a":"\\"[[[[","b":"\\\\"}', 1)).toBe(false);
    expect(deeper('{"a":"\\\\",“b”:[[[]]]}', 3)).toBe(true);
  });

  test("agrees with the parsed depth of any JSON value, objects, arrays and scalars alike", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 14 }), (value, limit) => {
        expect(deeper(JSON.stringify(value), limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 500 },
    );
  });

  test("stops early on a deep body, and treats an unterminated string as the end", () => {
    expect(deeper("[".repeat(1_000_000), 100)).toBe(true);
    expect(deeper('{"a":"[[[[[[[[', 1)).toBe(false);
  });
});

describe("jsonObjectShapeProblem", () => {
  test("accepts any JSON object within the limit, whitespace around it included", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 8 })), (object) => {
        expect(shape(` \t\r\n${JSON.stringify(object, null, 1)}\n `)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  test("agrees with the parsed depth of objects whose strings hold quotes, backslashes and brackets, wherever the blocks fall", () => {
    fc.assert(
      fc.property(trickyObject, fc.nat(63), fc.integer({ min: 1, max: 8 }), (object, shift, limit) => {
        const text = `${" ".repeat(shift)}${JSON.stringify(object)}`;
        expect(shape(text, limit)).toBe(depthOf(object) > limit ? "too_deep" : undefined);
      }),
      { numRuns: 1000 },
    );
  });

  test("tells a JSON value that is not an object from text that is not JSON", () => {
    for (const text of ["[1,2]", '"x"', "-1", "7", "true", "false", "null"])
      expect(shape(text)).toBe("not_object");
    for (const text of ["", "   ", "x", "<html>", "\u00a0{}"]) expect(shape(text)).toBe("malformed");
  });

  test("finds unclosed, crossed and extra brackets, unterminated strings and trailing text", () => {
    for (const text of [
      '{"a":1',
      '{"a":[}',
      '{"a":{]}',
      '{"a":"}',
      '{"a":"\\"}x"',
      "{}}",
      "{} {}",
      "{}x",
      '{"a":1}]',
      `{"a":"${"\\\\".repeat(40)}\\"}`,
    ])
      expect(shape(text)).toBe("malformed");
  });

  test("counts nesting as JSON.parse sees it, brackets inside strings left out", () => {
    expect(shape('{"a":[{"b":1}]}', 3)).toBeUndefined();
    expect(shape('{"a":[{"b":1}]}', 2)).toBe("too_deep");
    expect(shape('{"a":"[[[[{{{{ \\" ]]"}', 1)).toBeUndefined();
    expect(shape(`${"[".repeat(1_000_000)}`)).toBe("not_object");
    expect(shape(`{"a":${"[".repeat(1_000_000)}`)).toBe("too_deep");
  });

  test("reads an escape that crosses from one block of 64 bytes into the next", () => {
    for (let pad = 0; pad < 70; pad++) {
      const filler = "x".repeat(pad);
      // An escaped quote, then a bracket still inside the string: the string must not end early.
      expect(shape(`{"${filler}\\"]}"}`, 1)).toBeUndefined();
      // An escaped backslash: the quote after it ends the string, the brackets after it count.
      expect(shape(`{"${filler}\\\\":[[1]]}`, 2)).toBe("too_deep");
    }
  });

  test("does not let bytes left from a longer body change the verdict on a shorter one", () => {
    expect(shape(`{"a":"${"b".repeat(200)}"}`)).toBeUndefined();
    expect(shape('{"a":"b')).toBe("malformed");
    expect(shape(`{"a":${"[".repeat(90)}${"]".repeat(90)}}`, 100)).toBeUndefined();
    expect(shape("{", 100)).toBe("malformed");
  });

  test("scans a body larger than the long-lived memory in a memory of its own", () => {
    const big = `{"a":"${'\\"x'.repeat(2_000_000)}","b":[[[]]]}`;
    expect(shape(big, 3)).toBe("too_deep");
    expect(shape(big, 4)).toBeUndefined();
    expect(shape('{"a":[]}', 1)).toBe("too_deep");
  });

  test("refuses a nesting limit deeper than its bracket stack", () => {
    expect(() => jsonObjectShapeProblem(utf8("{}"), MAX_SCAN_NESTING + 1)).toThrow(RangeError);
  });

  test("lets through only texts whose shape is an object: every parsed non-object is refused", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return; // not JSON: the grammar inside an object's shape is the upstream's to judge
        }
        const isObject = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed);
        expect(shape(text) === undefined).toBe(isObject);
      }),
      { numRuns: 1000 },
    );
  });
});
