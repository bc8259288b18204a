import { describe, expect, test } from "bun:test";
import { backoffMs, jittered } from "../../../src/time/backoff.ts";

describe("backoffMs", () => {
  const backoff = { firstMs: 250, maxMs: 10_000 };

  test("the first failure waits the first delay, each further one twice the last", () => {
    expect([1, 2, 3, 4].map((attempt) => backoffMs(backoff, attempt))).toEqual([250, 500, 1_000, 2_000]);
  });

  test("the wait never exceeds the cap, however many failures", () => {
    expect(backoffMs(backoff, 6)).toBe(8_000);
    expect(backoffMs(backoff, 7)).toBe(10_000);
    expect(backoffMs(backoff, 10_000)).toBe(10_000);
  });

  test("no failure yet (or a negative count) waits the first delay", () => {
    expect(backoffMs(backoff, 0)).toBe(250);
    expect(backoffMs(backoff, -3)).toBe(250);
  });
});

describe("jittered", () => {
  test("spreads a wait over half to one and a half times itself", () => {
    expect(jittered(100, () => 0)).toBe(50);
    expect(jittered(100, () => 0.5)).toBe(100);
    expect(jittered(100, () => 0.999)).toBeCloseTo(149.9);
  });
});
