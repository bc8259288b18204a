import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { jsonObjectShapeProblem, nestsDeeperThan } from "../../../src/proxy/json-nesting.ts";

/** The nesting depth JSON.parse sees, for comparison. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe("nestsDeeperThan", () => {
  test("counts objects and arrays, not brackets inside strings or after escaped quotes", () => {
    expect(nestsDeeperThan('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":1}]}', 2)).toBe(true);
    expect(nestsDeeperThan('{"a":"[[[[{{{{"}', 1)).toBe(false);
    expect(nestsDeeperThan('{"a":"\\"[[[[","b":"\\\\"}', 1)).toBe(false);
    expect(nestsDeeperThan('{"a":"\\\\",“b”:[[[]]]}', 3)).toBe(true);
  });

  test("agrees with the parsed depth of any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 14 }), (value, limit) => {
        const text = JSON.stringify(value);
        expect(nestsDeeperThan(text, limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 500 },
    );
  });

  test("stops early on a deep body, and treats an unterminated string as the end", () => {
    expect(nestsDeeperThan("[".repeat(1_000_000), 100)).toBe(true);
    expect(nestsDeeperThan('{"a":"[[[[[[[[', 1)).toBe(false);
  });
});

describe("jsonObjectShapeProblem", () => {
  const shape = (text: string, limit = 100) => jsonObjectShapeProblem(text, limit);

  test("accepts any JSON object within the limit, whitespace around it included", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 8 })), (object) => {
        expect(shape(` \t\r\n${JSON.stringify(object, null, 1)}\n `)).toBeUndefined();
      }),
      { numRuns: 300 },
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
