import { describe, expect, test } from "bun:test";
import { systemClock } from "../../../src/time/clock.ts";

describe("systemClock timers", () => {
  test("a timer fires once after its time", async () => {
    const fired = await new Promise<number>((resolve) => {
      const started = performance.now();
      systemClock.setTimer(() => resolve(performance.now() - started), 5);
    });
    expect(fired).toBeGreaterThanOrEqual(4);
  });

  test("a wait beyond a runtime timer's limit (about 24 days) does not fire at once", async () => {
    let longFired = false;
    const cancel = systemClock.setTimer(
      () => {
        longFired = true;
      },
      2 ** 31 + 1_000,
    );
    // A runtime timer given that delay would fire right away, well before this short one.
    await new Promise<void>((resolve) => systemClock.setTimer(resolve, 30));
    expect(longFired).toBe(false);
    cancel();
  });

  test("a cancelled timer never fires", async () => {
    let fired = false;
    const cancel = systemClock.setTimer(() => {
      fired = true;
    }, 1);
    cancel();
    await new Promise<void>((resolve) => systemClock.setTimer(resolve, 20));
    expect(fired).toBe(false);
  });
});
