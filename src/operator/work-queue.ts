/**
 * The operator's work queue, shaped like controller-runtime's rate-limited queue: keys (not
 * events) are queued, so a burst of events for one Account becomes one reconcile; a key is never
 * processed by two workers at once; a failed key comes back after a per-key exponential backoff
 * that success resets. Time and timers come from the injected clock, so tests move them by hand.
 */
import { type Logger, silentLogger } from "../log/logger.ts";
import { type Backoff, backoffMs } from "../time/backoff.ts";
import type { CancelTimer, Clock } from "../time/clock.ts";

/** What one run of `process` asks for next. */
export type WorkOutcome =
  /** Done; `requeueAfterMs` asks for another run later (a time-based condition, not a failure). */
  | { readonly requeueAfterMs?: number }
  /** Failed: the key comes back after its backoff. A thrown error means the same. */
  | { readonly error: unknown };

export interface WorkQueueOptions<K> {
  readonly clock: Clock;
  readonly process: (key: K) => Promise<WorkOutcome>;
  /** Delay after the first failure; doubled on each further one. Default 100 ms. */
  readonly baseDelayMs?: number;
  /** Cap of the backoff. Default 60 s. */
  readonly maxDelayMs?: number;
  /** How many distinct keys run at once. Default 1. */
  readonly concurrency?: number;
  readonly log?: Logger;
}

interface Waiting {
  readonly readyAt: number;
  readonly cancel: CancelTimer;
}

// Hand-written rather than a library: no maintained JS queue has controller-runtime's per-key
// semantics (dedup while queued, rerun after processing, earliest delay wins) on an injected clock.
export class WorkQueue<K> {
  readonly #options: WorkQueueOptions<K>;
  readonly #backoff: Backoff;
  readonly #concurrency: number;
  readonly #log: Logger;
  readonly #ready: K[] = [];
  readonly #queued = new Set<K>();
  readonly #processing = new Set<K>();
  /** Keys added while being processed: they run again once the current run ends. */
  readonly #again = new Set<K>();
  readonly #waiting = new Map<K, Waiting>();
  readonly #failures = new Map<K, number>();
  readonly #inFlight = new Set<Promise<void>>();
  #stopping = false;

  constructor(options: WorkQueueOptions<K>) {
    this.#options = options;
    this.#backoff = { firstMs: options.baseDelayMs ?? 100, maxMs: options.maxDelayMs ?? 60_000 };
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#log = options.log ?? silentLogger;
  }

  /**
   * Queues the key unless it is queued already. A key waiting for a delayed run is queued now
   * instead (the run's outcome decides the next delay); a key being processed runs once more after
   * the current run.
   */
  add(key: K): void {
    if (this.#stopping) return;
    if (this.#processing.has(key)) {
      this.#again.add(key);
      this.#cancelWaiting(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#cancelWaiting(key);
    this.#queued.add(key);
    this.#ready.push(key);
    this.#pump();
  }

  /** Queues the key after `ms`; of several pending delays for one key the earliest wins. */
  addAfter(key: K, ms: number): void {
    if (this.#stopping) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    // Already due to run (again): a later run would only repeat it.
    if (this.#queued.has(key) || this.#again.has(key)) return;
    const readyAt = this.#options.clock.now() + ms;
    const current = this.#waiting.get(key);
    if (current !== undefined && current.readyAt <= readyAt) return;
    current?.cancel();
    const cancel = this.#options.clock.setTimer(() => {
      if (this.#waiting.get(key)?.cancel !== cancel) return;
      this.#waiting.delete(key);
      this.add(key);
    }, ms);
    this.#waiting.set(key, { readyAt, cancel });
  }

  /** Resets the key's backoff (done after each successful run). */
  forget(key: K): void {
    this.#failures.delete(key);
  }

  /** Failures of the key since its last success. */
  failures(key: K): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Keys ready to run (not those being processed or waiting for a delay). */
  get length(): number {
    return this.#ready.length;
  }

  /**
   * Stops taking work: queued and delayed keys are dropped, later adds are ignored, and the promise
   * resolves when the runs in flight have finished.
   */
  async shutDown(): Promise<void> {
    this.#stopping = true;
    for (const entry of this.#waiting.values()) entry.cancel();
    this.#waiting.clear();
    this.#ready.length = 0;
    this.#queued.clear();
    this.#again.clear();
    // Runs finishing meanwhile remove themselves; new ones cannot start any more.
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #cancelWaiting(key: K): void {
    this.#waiting.get(key)?.cancel();
    this.#waiting.delete(key);
  }

  #settle(key: K, outcome: WorkOutcome): void {
    this.#processing.delete(key);
    if (this.#stopping) return;
    if ("error" in outcome) {
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      const delayMs = backoffMs(this.#backoff, failures);
      this.#log.warn("work queue: processing failed, will retry", {
        key: String(key),
        failures,
        retryInMs: delayMs,
        error: outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
      });
      if (this.#again.delete(key)) this.add(key);
      else this.addAfter(key, delayMs);
      return;
    }
    this.#failures.delete(key);
    if (this.#again.delete(key)) this.add(key);
    else if (outcome.requeueAfterMs !== undefined) this.addAfter(key, outcome.requeueAfterMs);
  }

  async #run(key: K): Promise<void> {
    let outcome: WorkOutcome;
    try {
      outcome = await this.#options.process(key);
    } catch (error) {
      outcome = { error };
    }
    this.#settle(key, outcome);
  }

  #pump(): void {
    while (!this.#stopping && this.#processing.size < this.#concurrency && this.#ready.length > 0) {
      const key = this.#ready.shift() as K;
      this.#queued.delete(key);
      this.#processing.add(key);
      const running = this.#run(key).finally(() => {
        this.#inFlight.delete(running);
        this.#pump();
      });
      this.#inFlight.add(running);
    }
  }
}
