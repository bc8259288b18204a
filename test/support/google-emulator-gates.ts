/**
 * The Google emulator's ways to make calls wait: the refresh gate (refresh_token grants queue
 * until released), the stream hold (SSE events go out one release at a time) and the fault
 * queues that decide which call fails next. Tests use them to observe races and ordering
 * without sleeping.
 */
import type { RefreshGate, StreamHold } from "./google-emulator-types.ts";

interface Watcher {
  count: number;
  resolve: () => void;
}

export class HeldRefreshes implements RefreshGate {
  #released = false;
  readonly #waiting = new Set<() => void>();
  readonly #watchers = new Set<Watcher>();

  /** Waits until release(); a caller that goes away (signal aborted) stops being counted. */
  enter(signal: AbortSignal): Promise<void> {
    if (this.#released) return Promise.resolve();
    return new Promise((resolve) => {
      const leave = (): void => {
        this.#waiting.delete(leave);
        resolve();
      };
      this.#waiting.add(leave);
      signal.addEventListener("abort", leave, { once: true });
      for (const watcher of this.#watchers) {
        if (this.#waiting.size >= watcher.count) {
          this.#watchers.delete(watcher);
          watcher.resolve();
        }
      }
    });
  }

  release(): void {
    this.#released = true;
    for (const leave of [...this.#waiting]) leave();
  }

  waiting(): number {
    return this.#waiting.size;
  }

  waitFor(n: number, timeoutMs = 5000): Promise<void> {
    if (this.#waiting.size >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const watcher: Watcher = {
        count: n,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#watchers.delete(watcher);
        reject(
          new Error(`Google emulator: ${this.#waiting.size} of ${n} refreshes waiting after ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.#watchers.add(watcher);
    });
  }
}

export class HeldStream implements StreamHold {
  #open = false;
  #credits = 0;
  readonly #waiting: Array<() => void> = [];

  /** Waits for the next release; resolves at once when the caller goes away (signal aborted). */
  next(signal: AbortSignal): Promise<void> {
    if (this.#open || signal.aborted) return Promise.resolve();
    if (this.#credits > 0) {
      this.#credits -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const go = (): void => {
        const at = this.#waiting.indexOf(go);
        if (at >= 0) this.#waiting.splice(at, 1);
        resolve();
      };
      this.#waiting.push(go);
      signal.addEventListener("abort", go, { once: true });
    });
  }

  releaseNext(): void {
    const go = this.#waiting[0];
    if (go === undefined) this.#credits += 1;
    else go();
  }

  releaseAll(): void {
    this.#open = true;
    for (const go of [...this.#waiting]) go();
  }

  waiting(): number {
    return this.#waiting.length;
  }
}

interface FaultEntry<F> {
  fault: F;
  remaining: number;
  matches: (email: string | undefined) => boolean;
}

/** Faults in the order they were injected; each fails `times` matching calls, then drops out. */
export class FaultQueue<F> {
  #entries: FaultEntry<F>[] = [];

  add(fault: F, times = Number.POSITIVE_INFINITY, onlyFor?: string): void {
    const wanted = onlyFor?.toLowerCase();
    const matches = (email: string | undefined): boolean =>
      wanted === undefined || email?.toLowerCase() === wanted;
    this.#entries.push({ fault, remaining: times, matches });
  }

  /** The fault for this call, if any, counting it against its entry. */
  take(email?: string): F | undefined {
    const entry = this.#entries.find((e) => e.remaining > 0 && e.matches(email));
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    this.#entries = this.#entries.filter((e) => e.remaining > 0);
    return entry.fault;
  }

  clear(): void {
    this.#entries = [];
  }
}
