/**
 * Tells the Kubernetes store's listeners what changed: an account as readers see it now, once per
 * change (a watch event that changes nothing the model shows is not news), and a removal.
 */
import type { Account } from "../../accounts/account.ts";
import type { StoreListener } from "../account-store.ts";

export class StoreAnnouncer {
  readonly #listeners = new Set<StoreListener>();
  /** What was last told of each account, to tell news from repetition. */
  readonly #told = new Map<string, string>();

  /** Tells every listener what `id` is now (undefined: gone), unless they heard it already. */
  announce(id: string, current: Account | undefined): void {
    const signature = current === undefined ? undefined : JSON.stringify(current);
    if (signature === this.#told.get(id)) return;
    if (signature === undefined) this.#told.delete(id);
    else this.#told.set(id, signature);
    const event =
      current === undefined ? { type: "remove" as const, id } : { type: "upsert" as const, account: current };
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // A failing listener must not starve the others.
      }
    }
  }

  /** The next announcement of every account is news again (a resync reports them all). */
  forgetTold(): void {
    this.#told.clear();
  }

  listen(listener: StoreListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  clear(): void {
    this.#listeners.clear();
  }
}
