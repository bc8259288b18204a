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
  /** Ticks every 250 ms from `from` to `until`; the time of the first tick that saw `fired` true. */
  function tickUntil(
    setup_: ReturnType<typeof setup>,
    from: number,
    until: number,
    fired: () => boolean,
  ): number | undefined {
    for (let time = from + 250; time <= until; time += 250) {
      setup_.advance(250);
      setup_.ticks.tick();
      if (fired()) return time;
    }
    return undefined;
  }

  test("a deadline never fires early, fires within two ticks of its time, and once", () => {
    const s = setup(); // the clock starts at 1,000
    let fired = 0;
    s.start(1_000, () => fired++);
    const at = tickUntil(s, 1_000, 4_000, () => fired > 0);
    expect(at).toBeGreaterThanOrEqual(2_000);
    expect(at).toBeLessThanOrEqual(2_500);
    s.ticks.tick();
    expect(fired).toBe(1);
  });

  test("a deadline started between ticks, while the interval runs, is not early either", () => {
    const s = setup();
    s.start(60_000, () => {}); // keeps the interval running
    s.advance(250);
    s.ticks.tick(); // the last tick: 1,250
    s.advance(240); // now 1,490, no tick since
    let fired = false;
    s.start(100, () => {
      fired = true;
    });
    const at = tickUntil(s, 1_490, 3_000, () => fired);
    expect(at).toBeGreaterThanOrEqual(1_590);
    expect(at).toBeLessThanOrEqual(1_590 + 500);
  });

  test("a cancelled deadline never fires", () => {
    const { start, ticks, advance } = setup();
    const fired: string[] = [];
    const cancel = start(1_000, () => fired.push("a"));
    start(2_000, () => fired.push("b"));
    cancel();
    advance(3_000);
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
    advance(750);
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
    advance(260);
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
