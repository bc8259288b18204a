/**
 * The periodic resync under the watches (every Account again, every few minutes), on the injected
 * clock's timers: a safety net for an event a watch may have missed.
 */
import type { CancelTimer, Clock } from "../time/clock.ts";

/** How often every Account is reported again when no interval is configured: five minutes. */
export const DEFAULT_RESYNC_MS = 300_000;

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
