/**
 * Tells the Kubernetes store's listeners what changed: an account as readers see it now, once per
 * change (a watch event that changes nothing the model shows is not news), and a removal.
 */
import type { Account } from "../../accounts/account.ts";
import type { StoreEvent } from "../account-store.ts";

export class StoreAnnouncer {
  readonly #deliver: (event: StoreEvent) => void;
  /** What was last told of each account, to tell news from repetition. */
  readonly #told = new Map<string, string>();

  /** `deliver` takes each piece of news to the listeners. */
  constructor(deliver: (event: StoreEvent) => void) {
    this.#deliver = deliver;
  }

  /** Tells the listeners what `id` is now (undefined: gone), unless they heard it already. */
  announce(id: string, current: Account | undefined): void {
    const signature = current === undefined ? undefined : JSON.stringify(current);
    if (signature === this.#told.get(id)) return;
    if (signature === undefined) this.#told.delete(id);
    else this.#told.set(id, signature);
    this.#deliver(current === undefined ? { type: "remove", id } : { type: "upsert", account: current });
  }

  /** The next announcement of every account is news again (a resync reports them all). */
  forgetTold(): void {
    this.#told.clear();
  }
}
