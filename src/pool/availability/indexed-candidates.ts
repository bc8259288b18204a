/**
 * The CandidateSet the pool hands a strategy: the serving accounts of one request, answered from
 * the availability index in O(1) — a slot lookup and a few bitset words — plus one step per
 * account the request already tried.
 */
import type { CandidateSet } from "../strategies/candidate-set.ts";
import type { AccountLayout } from "./account-layout.ts";
import { keyPoint } from "./hash-ring.ts";
import { firstAccepted, type ServingSet } from "./serving-set.ts";

export class IndexedCandidates implements CandidateSet {
  readonly #layout: AccountLayout;
  readonly #serving: ServingSet;
  readonly #slotOf: ReadonlyMap<string, number>;
  /** Accounts this request already tried; undefined when none. */
  readonly #exclude: ReadonlySet<string> | undefined;

  constructor(
    layout: AccountLayout,
    serving: ServingSet,
    slotOf: ReadonlyMap<string, number>,
    exclude: ReadonlySet<string> | undefined,
  ) {
    this.#layout = layout;
    this.#serving = serving;
    this.#slotOf = slotOf;
    this.#exclude = exclude;
  }

  has(id: string): boolean {
    const slot = this.#slotOf.get(id);
    if (slot === undefined) return false;
    const rank = this.#layout.rankOf(slot);
    return rank >= 0 && this.#serving.byId.has(rank) && this.#exclude?.has(id) !== true;
  }

  nextAfter(id: string | undefined): string | undefined {
    const layout = this.#layout;
    const rank = this.#rankAfter(id);
    const exclude = this.#exclude;
    const found =
      exclude === undefined
        ? this.#serving.byId.nextCircular(rank)
        : firstAccepted(this.#serving.byId, rank, (at) => !exclude.has(layout.sortedIds[at] ?? ""));
    if (found < 0) return undefined;
    const answer = layout.sortedIds[found];
    layout.lastAnswer.id = answer;
    layout.lastAnswer.rank = found;
    return answer;
  }

  hashed(key: string): string | undefined {
    const { ring, sortedIds } = this.#layout;
    const idAt = (position: number) => sortedIds[ring.ownerAt(position)] ?? "";
    const start = ring.lowerBound(keyPoint(key));
    const exclude = this.#exclude;
    const found =
      exclude === undefined
        ? this.#serving.byRing.nextCircular(start)
        : firstAccepted(this.#serving.byRing, start, (at) => !exclude.has(idAt(at)));
    return found < 0 ? undefined : idAt(found);
  }

  #rankAfter(id: string | undefined): number {
    if (id === undefined) return 0;
    const last = this.#layout.lastAnswer;
    if (id === last.id) return last.rank + 1;
    const slot = this.#slotOf.get(id);
    const rank = slot === undefined ? -1 : this.#layout.rankOf(slot);
    return rank >= 0 ? rank + 1 : this.#layout.rankAfter(id);
  }
}
