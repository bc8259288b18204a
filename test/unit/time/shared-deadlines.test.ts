import { describe, expect, test } from "bun:test";
import { sharedDeadlines, type Ticker } from "../../../src/time/shared-deadlines.ts";

/** A ticker a test drives: it records whether an interval runs and ticks it by hand. */
function manualTicker() {
  let tick: (() => void) | undefined;
  let starts = 0;
  const ticker: Ticker = {
    start(run) {
      tick = run;
      starts += 1;
      return () => {
        tick = undefined;
      };
    },
  };
  return {
    ticker,
    running: () => tick !== undefined,
    starts: () => starts,
    tick: () => tick?.(),
  };
}

function setup() {
  let time = 1_000;
  const ticks = manualTicker();
  const start = sharedDeadlines({ tickMs: 250, now: () => time, ticker: ticks.ticker });
  return {
    start,
    ticks,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describe("shared deadlines", () => {
  test("a deadline fires at the first tick at or after its time, once", () => {
    const { start, ticks, advance } = setup();
    const fired: string[] = [];
    start(1_000, () => fired.push("a"));
    advance(999);
    ticks.tick();
    expect(fired).toEqual([]);
    advance(1);
    ticks.tick();
    ticks.tick();
    expect(fired).toEqual(["a"]);
  });

  test("a cancelled deadline never fires", () => {
    const { start, ticks, advance } = setup();
    const fired: string[] = [];
    const cancel = start(1_000, () => fired.push("a"));
    start(2_000, () => fired.push("b"));
    cancel();
    advance(2_000);
    ticks.tick();
    expect(fired).toEqual(["b"]);
  });

  test("the interval runs only while a deadline is pending, and is not restarted per deadline", () => {
    const { start, ticks, advance } = setup();
    expect(ticks.running()).toBe(false);
    for (let i = 0; i < 100; i++) start(1_000, () => {})();
    expect(ticks.starts()).toBe(1);
    ticks.tick(); // nothing pending: the interval stops
    expect(ticks.running()).toBe(false);
    const fired: number[] = [];
    start(500, () => fired.push(1));
    expect(ticks.running()).toBe(true);
    advance(500);
    ticks.tick();
    expect(fired).toEqual([1]);
    expect(ticks.running()).toBe(false);
    expect(ticks.starts()).toBe(2);
  });

  test("a deadline that throws does not keep the others due at the same tick from firing", () => {
    const { start, ticks, advance } = setup();
    const fired: string[] = [];
    start(10, () => {
      throw new Error("boom");
    });
    start(10, () => fired.push("b"));
    advance(10);
    ticks.tick();
    expect(fired).toEqual(["b"]);
  });

  test("with the runtime's interval, a deadline fires by itself", async () => {
    const start = sharedDeadlines({ tickMs: 5 });
    const fired = await new Promise<boolean>((resolve) => {
      start(10, () => resolve(true));
    });
    expect(fired).toBe(true);
  });
});
