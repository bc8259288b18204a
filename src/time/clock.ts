/**
 * Owns the notion of "now" and of waiting: every component takes a Clock, so tests move time by
 * hand and fire timers when they choose, and nothing under test reads the real time.
 */

/** Cancels a timer; harmless after it fired. */
export type CancelTimer = () => void;

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `fire` once, `ms` milliseconds from now, unless cancelled first. */
  setTimer(fire: () => void, ms: number): CancelTimer;
}

/** The longest a runtime timer waits (a signed 32-bit count of milliseconds, about 24 days). */
const MAX_RUNTIME_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fire, ms) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A runtime timer past its limit fires at once: a longer wait is taken in steps it can take.
    const waitOn = (left: number): void => {
      timer =
        left > MAX_RUNTIME_TIMER_MS
          ? setTimeout(() => waitOn(left - MAX_RUNTIME_TIMER_MS), MAX_RUNTIME_TIMER_MS)
          : setTimeout(fire, left);
    };
    waitOn(ms);
    return () => clearTimeout(timer);
  },
};

export function unixSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}

/** Resolves after `ms` on the clock's timers. */
export function pause(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimer(resolve, ms);
  });
}
