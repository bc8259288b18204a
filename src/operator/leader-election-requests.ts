/**
 * Time bounds for the leader election: pauses that stop() cuts short, and API requests that a
 * timeout (and stop()) aborts. A renew must never outlive the renew deadline, even when the
 * connection hangs: the deadline is what keeps two leaders from overlapping.
 */
import type { Clock } from "../time/clock.ts";

export interface RequestBounds {
  /** Resolves after `ms`, or at once when stopped. */
  wait(ms: number): Promise<void>;
  /** Runs `call`, rejecting (and aborting its signal) after `timeoutMs` or when stopped. */
  bounded<T>(call: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T>;
  /** Like `bounded`, but stop() does not abort it: for the release that stop() itself makes. */
  unstoppable<T>(call: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T>;
}

export function createRequestBounds(clock: Clock, stopped: AbortSignal): RequestBounds {
  const wait = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      if (stopped.aborted) return resolve();
      let cancel = (): void => {};
      const done = (): void => {
        cancel();
        stopped.removeEventListener("abort", done);
        resolve();
      };
      cancel = clock.setTimer(done, Math.max(0, ms));
      stopped.addEventListener("abort", done, { once: true });
    });

  const limit = async <T>(
    call: (signal: AbortSignal) => Promise<T>,
    timeoutMs: number,
    stopSignal: AbortSignal | undefined,
  ): Promise<T> => {
    const controller = new AbortController();
    const abortOnStop = (): void => controller.abort(stopSignal?.reason);
    if (stopSignal?.aborted) abortOnStop();
    stopSignal?.addEventListener("abort", abortOnStop, { once: true });
    const cancelTimer = clock.setTimer(
      () => controller.abort(new Error(`Lease request timed out after ${Math.round(timeoutMs)} ms`)),
      Math.max(0, timeoutMs),
    );
    // The race ends our wait even if the HTTP client ignored the abort.
    const aborted = new Promise<never>((_, reject) => {
      const fail = (): void => reject(controller.signal.reason);
      if (controller.signal.aborted) fail();
      else controller.signal.addEventListener("abort", fail, { once: true });
    });
    try {
      return await Promise.race([call(controller.signal), aborted]);
    } finally {
      cancelTimer();
      stopSignal?.removeEventListener("abort", abortOnStop);
    }
  };

  return {
    wait,
    bounded: (call, timeoutMs) => limit(call, timeoutMs, stopped),
    unstoppable: (call, timeoutMs) => limit(call, timeoutMs, undefined),
  };
}
