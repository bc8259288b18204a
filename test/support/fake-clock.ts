/**
 * A clock the test moves by hand; nothing in the code under test reads the real time. Its timers
 * fire when `advance` passes their time, in the order they are due.
 */
import type { CancelTimer, Clock } from "../../src/time/clock.ts";

interface PendingTimer {
  readonly at: number;
  readonly fire: () => void;
}

export class FakeClock implements Clock {
  #now: number;
  readonly #timers = new Set<PendingTimer>();

  constructor(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fire: () => void, ms: number): CancelTimer {
    const timer: PendingTimer = { at: this.#now + Math.max(0, ms), fire };
    this.#timers.add(timer);
    return () => this.#timers.delete(timer);
  }

  /** Timers started and neither fired nor cancelled. */
  pendingTimers(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    const end = this.#now + ms;
    for (let next = this.#nextDue(end); next !== undefined; next = this.#nextDue(end)) {
      this.#timers.delete(next);
      this.#now = Math.max(this.#now, next.at);
      next.fire();
    }
    this.#now = end;
  }

  advanceSeconds(seconds: number): void {
    this.advance(seconds * 1000);
  }

  #nextDue(end: number): PendingTimer | undefined {
    let next: PendingTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.at <= end && (next === undefined || timer.at < next.at)) next = timer;
    }
    return next;
  }
}
