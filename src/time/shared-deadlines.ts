/**
 * One-shot deadlines that are nearly always cancelled long before they are due — a request body
 * must arrive within the body timeout, and almost every body arrives within milliseconds. One
 * interval serves them all, running only while a deadline is pending, instead of a runtime timer
 * per request: under load, a setTimeout and clearTimeout per request cost about a microsecond of
 * CPU each time; adding to and deleting from a set costs next to nothing. Nor is the clock read
 * per deadline while the interval runs: a deadline counts from the last tick plus one (never
 * early), so it fires at its time or up to two ticks later.
 */

/** Starts a one-shot deadline and returns its cancel function. */
export type StartTimer = (ms: number, fire: () => void) => () => void;

/** How the interval is run: injected by tests, which tick by hand. */
export interface Ticker {
  start(tick: () => void, everyMs: number): () => void;
}

const runtimeTicker: Ticker = {
  start(tick, everyMs) {
    const interval = setInterval(tick, everyMs);
    return () => clearInterval(interval);
  },
};

interface Deadline {
  readonly at: number;
  readonly fire: () => void;
}

export interface SharedDeadlineOptions {
  readonly tickMs: number;
  /** Milliseconds on a monotonic scale. */
  readonly now?: () => number;
  readonly ticker?: Ticker;
}

export function sharedDeadlines(options: SharedDeadlineOptions): StartTimer {
  const now = options.now ?? (() => performance.now());
  const ticker = options.ticker ?? runtimeTicker;
  const pending = new Set<Deadline>();
  let stopTicking: (() => void) | undefined;
  /** The time of the last tick (or of the start, when the interval was idle). */
  let lastTick = 0;

  const tick = (): void => {
    const time = now();
    lastTick = time;
    for (const deadline of pending) {
      if (deadline.at > time) continue;
      pending.delete(deadline);
      try {
        deadline.fire();
      } catch {
        // One deadline's failure must not keep the others from firing.
      }
    }
    // Stopped only here, not on each cancel: under load the interval then keeps running rather
    // than being started again for every request.
    if (pending.size === 0 && stopTicking !== undefined) {
      stopTicking();
      stopTicking = undefined;
    }
  };

  return (ms, fire) => {
    if (stopTicking === undefined) {
      lastTick = now();
      stopTicking = ticker.start(tick, options.tickMs);
    }
    // Now is at most one tick past the last: counting from there, the deadline is never early.
    const deadline: Deadline = { at: lastTick + options.tickMs + ms, fire };
    pending.add(deadline);
    return () => {
      pending.delete(deadline);
    };
  };
}
