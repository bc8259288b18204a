import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { nestsDeeperThan } from "../../../src/proxy/json-nesting.ts";

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
