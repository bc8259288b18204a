import { describe, expect, test } from "bun:test";
import { pause } from "../../../src/time/clock.ts";
import { FakeClock } from "../../support/fake-clock.ts";

describe("FakeClock timers", () => {
  test("a timer fires when time passes its due time, not before", () => {
    const clock = new FakeClock(1_000);
    const fired: number[] = [];
    clock.setTimer(() => fired.push(clock.now()), 500);
    clock.advance(499);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([1_500]);
    expect(clock.pendingTimers()).toBe(0);
  });

  test("timers fire in the order they are due, each seeing its own time", () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimer(() => fired.push(`late@${clock.now()}`), 300);
    clock.setTimer(() => fired.push(`early@${clock.now()}`), 100);
    clock.advance(1_000);
    expect(fired).toEqual(["early@100", "late@300"]);
    expect(clock.now()).toBe(1_000);
  });

  test("a timer set by a firing timer fires in the same advance when it is due within it", () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimer(() => {
      fired.push(clock.now());
      clock.setTimer(() => fired.push(clock.now()), 50);
    }, 100);
    clock.advance(200);
    expect(fired).toEqual([100, 150]);
  });

  test("a cancelled timer never fires", () => {
    const clock = new FakeClock(0);
    let fired = false;
    const cancel = clock.setTimer(() => {
      fired = true;
    }, 10);
    cancel();
    clock.advance(100);
    expect(fired).toBe(false);
  });

  test("pause resolves once the clock has moved past it", async () => {
    const clock = new FakeClock(0);
    let resolved = false;
    const paused = pause(clock, 30).then(() => {
      resolved = true;
    });
    await Promise.resolve();
    expect(resolved).toBe(false);
    clock.advance(30);
    await paused;
    expect(resolved).toBe(true);
  });
});
