/**
 * The periodic resync under the watches (every Account again, every few minutes), on the injected
 * clock's timers: a safety net for an event a watch may have missed.
 */
import type { CancelTimer, Clock } from "../time/clock.ts";

/** Runs `tick` every `everyMs` until the returned function is called. */
export function startResync(clock: Clock, everyMs: number, tick: () => void): CancelTimer {
  let stopped = false;
  let cancel: CancelTimer = () => {};
  const arm = (): void => {
    cancel = clock.setTimer(() => {
      if (stopped) return;
      arm();
      tick();
    }, everyMs);
  };
  arm();
  return () => {
    stopped = true;
    cancel();
  };
}
