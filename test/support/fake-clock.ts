/** A clock the test moves by hand; nothing in the code under test reads the real time. */
import type { Clock } from "../../src/time/clock.ts";

export class FakeClock implements Clock {
  #now: number;

  constructor(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  advanceSeconds(seconds: number): void {
    this.advance(seconds * 1000);
  }
}
