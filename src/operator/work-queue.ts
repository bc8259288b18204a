/**
 * The operator's work queue, shaped like controller-runtime's rate-limited queue: keys (not
 * events) are queued, so a burst of events for one Account becomes one reconcile; a key is never
 * processed by two workers at once; a failed key comes back after a per-key exponential backoff
 * that success resets. Time comes from an injected clock and timer function, so tests move it by
 * hand.
 */
import { type Logger, silentLogger } from "../log/logger.ts";
import type { Clock } from "../time/clock.ts";

/** What one run of `process` asks for next. */
export type WorkOutcome =
  /** Done; `requeueAfterMs` asks for another run later (a time-based condition, not a failure). */
  | { readonly requeueAfterMs?: number }
  /** Failed: the key comes back after its backoff. A thrown error means the same. */
  | { readonly error: unknown };

/** Runs `fn` after `ms` milliseconds; the returned function cancels it. */
export type Schedule = (fn: () => void, ms: number) => () => void;

export interface WorkQueueOptions<K> {
  readonly clock: Clock;
  readonly process: (key: K) => Promise<WorkOutcome>;
  /** Delay after the first failure; doubled on each further one. Default 100 ms. */
  readonly baseDelayMs?: number;
  /** Cap of the backoff. Default 60 s. */
  readonly maxDelayMs?: number;
  /** How many distinct keys run at once. Default 1. */
  readonly concurrency?: number;
  /** Default: setTimeout. */
  readonly schedule?: Schedule;
  readonly log?: Logger;
}

export interface WorkQueue<K> {
  /**
   * Queues the key unless it is queued already. A key waiting for a delayed run is queued now
   * instead (the run's outcome decides the next delay); a key being processed runs once more after
   * the current run.
   */
  add(key: K): void;
  /** Queues the key after `ms`; of several pending delays for one key the earliest wins. */
  addAfter(key: K, ms: number): void;
  /** Resets the key's backoff (done after each successful run). */
  forget(key: K): void;
  /** Failures of the key since its last success. */
  failures(key: K): number;
  /** Keys ready to run (not those being processed or waiting for a delay). */
  readonly length: number;
  /**
   * Stops taking work: queued and delayed keys are dropped, later adds are ignored, and the promise
   * resolves when the runs in flight have finished.
   */
  shutDown(): Promise<void>;
}

export const defaultSchedule: Schedule = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

interface Waiting {
  readonly readyAt: number;
  readonly cancel: () => void;
}

/** base·2^(failures−1), capped: the first failure waits `base`. */
export function backoffDelay(failures: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.min(baseDelayMs * 2 ** Math.max(0, failures - 1), maxDelayMs);
}

export function createWorkQueue<K>(options: WorkQueueOptions<K>): WorkQueue<K> {
  const baseDelayMs = options.baseDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const schedule = options.schedule ?? defaultSchedule;
  const log = options.log ?? silentLogger;

  const ready: K[] = [];
  const queued = new Set<K>();
  const processing = new Set<K>();
  /** Keys added while being processed: they run again once the current run ends. */
  const again = new Set<K>();
  const waiting = new Map<K, Waiting>();
  const failureCounts = new Map<K, number>();
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  const cancelWaiting = (key: K): void => {
    waiting.get(key)?.cancel();
    waiting.delete(key);
  };

  const add = (key: K): void => {
    if (stopping) return;
    if (processing.has(key)) {
      again.add(key);
      cancelWaiting(key);
      return;
    }
    if (queued.has(key)) return;
    cancelWaiting(key);
    queued.add(key);
    ready.push(key);
    pump();
  };

  const addAfter = (key: K, ms: number): void => {
    if (stopping) return;
    if (ms <= 0) {
      add(key);
      return;
    }
    // Already due to run (again): a later run would only repeat it.
    if (queued.has(key) || again.has(key)) return;
    const readyAt = options.clock.now() + ms;
    const current = waiting.get(key);
    if (current !== undefined && current.readyAt <= readyAt) return;
    current?.cancel();
    const cancel = schedule(() => {
      if (waiting.get(key)?.cancel !== cancel) return;
      waiting.delete(key);
      add(key);
    }, ms);
    waiting.set(key, { readyAt, cancel });
  };

  const settle = (key: K, outcome: WorkOutcome): void => {
    processing.delete(key);
    if (stopping) return;
    if ("error" in outcome) {
      const failures = (failureCounts.get(key) ?? 0) + 1;
      failureCounts.set(key, failures);
      const delayMs = backoffDelay(failures, baseDelayMs, maxDelayMs);
      log.warn("work queue: processing failed, will retry", {
        key: String(key),
        failures,
        retryInMs: delayMs,
        error: describeError(outcome.error),
      });
      if (again.delete(key)) add(key);
      else addAfter(key, delayMs);
      return;
    }
    failureCounts.delete(key);
    if (again.delete(key)) add(key);
    else if (outcome.requeueAfterMs !== undefined) addAfter(key, outcome.requeueAfterMs);
  };

  const run = async (key: K): Promise<void> => {
    let outcome: WorkOutcome;
    try {
      outcome = await options.process(key);
    } catch (error) {
      outcome = { error };
    }
    settle(key, outcome);
  };

  function pump(): void {
    while (!stopping && processing.size < concurrency && ready.length > 0) {
      const key = ready.shift() as K;
      queued.delete(key);
      processing.add(key);
      const running = run(key).finally(() => {
        inFlight.delete(running);
        pump();
      });
      inFlight.add(running);
    }
  }

  return {
    add,
    addAfter,
    forget: (key) => {
      failureCounts.delete(key);
    },
    failures: (key) => failureCounts.get(key) ?? 0,
    get length() {
      return ready.length;
    },
    async shutDown() {
      stopping = true;
      for (const entry of waiting.values()) entry.cancel();
      waiting.clear();
      ready.length = 0;
      queued.clear();
      again.clear();
      // Runs finishing meanwhile remove themselves; new ones cannot start any more.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
