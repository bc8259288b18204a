/**
 * A store's watchers: each event reaches every listener, and one that throws neither stops the
 * others nor the store (it is logged, when there is a logger).
 */
import type { Logger } from "../log/logger.ts";
import type { StoreEvent, StoreListener } from "./account-store.ts";

export class StoreListeners {
  readonly #listeners = new Set<StoreListener>();
  readonly #log: Logger | undefined;
  /** What each listener gets: the event itself, or (memory store) a copy of its own. */
  readonly #handOut: (event: StoreEvent) => StoreEvent;
  #closed = false;

  constructor(log?: Logger, handOut: (event: StoreEvent) => StoreEvent = (event) => event) {
    this.#log = log;
    this.#handOut = handOut;
  }

  /** Adds `listener` (none after close()); returns the function that removes it. */
  add(listener: StoreListener): () => void {
    if (this.#closed) return () => {};
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  dispatch(event: StoreEvent): void {
    if (this.#closed) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(this.#handOut(event));
      } catch (error) {
        // One failing listener must not starve the others or break the watch.
        this.#log?.error("Account store listener failed", { error: (error as Error).message });
      }
    }
  }

  /** No event reaches anyone from now on. */
  close(): void {
    this.#closed = true;
    this.#listeners.clear();
  }
}
