/**
 * Where a group of accounts sits in the two orders the strategies walk: their ranks in id order
 * and their positions on the hash ring (each owned by the account's slot). A layout never changes
 * once made: new ones are made by merging — only a layout built from nothing sorts.
 *
 * Joining or leaving the pool changes the orders. The index keeps the accounts in two layouts: a
 * large one and a small one of recent arrivals (at most about 2·√n accounts); a question is asked
 * of both and the answers combined as one layout of all accounts would give them, so the choices
 * are exactly those of a layout built from scratch. An arrival merges into the small layout
 * (linear in its size); a departure only clears its bits (its slot waits, unused, in its layout).
 * When the small layout and the departed outgrow the bound, both layouts merge into a new large
 * one in one linear pass (no sort). At 100,000 accounts an arrival or departure costs tens of µs,
 * and one in about 600 a merge of some ms (bench/pool-acquire.bench.ts). Accounts that join before
 * the first choice (the initial load) are laid out once, with one sort, by prepare() or that first
 * choice.
 */
import { HashRing } from "./hash-ring.ts";
import { insertPoints, keepPoints } from "./ring-merge.ts";

export interface MergeOptions {
  /** The slots still in the pool; the others leave the id order. */
  readonly keep: (slot: number) => boolean;
  /** The id in a slot ("" for one that left): equal ring points go to the smaller id. */
  readonly idOf: (slot: number) => string;
  /**
   * Also take the slots that left off the first layout's ring, in a pass over all its points;
   * otherwise they stay there (serving nobody) and the ring is copied in runs.
   */
  readonly purge: boolean;
}

export class AccountLayout {
  /** rank → slot, in id order. */
  readonly slotsById: Uint32Array;
  /** rank → id. */
  readonly sortedIds: readonly string[];
  readonly ring: HashRing;

  private constructor(sortedIds: readonly string[], slotsById: Uint32Array, ring: HashRing) {
    this.sortedIds = sortedIds;
    this.slotsById = slotsById;
    this.ring = ring;
  }

  /** A layout of `ids` (any order) living in `slotOf(id)`: a string sort and a radix sort of the ring. */
  static build(
    ids: readonly string[],
    slotOf: (id: string) => number,
    hashOf: (slot: number) => number,
  ): AccountLayout {
    const sortedIds = [...ids].sort();
    const slotsById = Uint32Array.from(sortedIds, slotOf);
    const ring = new HashRing(
      sortedIds.length,
      (rank) => hashOf(slotsById[rank] ?? 0),
      (rank) => slotsById[rank] ?? 0,
    );
    return new AccountLayout(sortedIds, slotsById, ring);
  }

  /**
   * The accounts of `a` and `b` (disjoint in live ids) that `keep` accepts: the same choices a
   * layout built from their ids gives. Linear in the ids; the ring costs memory copies of `a`'s
   * (or, with `purge`, one pass over it) and a lookup per point of `b`'s, so `b` should be small.
   */
  static merge(a: AccountLayout, b: AccountLayout, options: MergeOptions): AccountLayout {
    const { keep, idOf } = options;
    const sortedIds: string[] = [];
    const slots: number[] = [];
    let i = 0;
    let j = 0;
    for (;;) {
      while (i < a.accounts && !keep(a.slotsById[i] ?? 0)) i++;
      while (j < b.accounts && !keep(b.slotsById[j] ?? 0)) j++;
      if (i >= a.accounts && j >= b.accounts) break;
      const idA = a.sortedIds[i] ?? "";
      const idB = b.sortedIds[j] ?? "";
      if (j >= b.accounts || (i < a.accounts && idA < idB)) {
        sortedIds.push(idA);
        slots.push(a.slotsById[i++] ?? 0);
      } else {
        sortedIds.push(idB);
        slots.push(b.slotsById[j++] ?? 0);
      }
    }
    const keptA = options.purge ? keepPoints(a.ring.sorted, keep) : undefined;
    const ringA = keptA === undefined || keptA.pairs === a.ring.sorted.pairs ? a.ring : new HashRing(keptA);
    const points = insertPoints(
      ringA,
      keepPoints(b.ring.sorted, keep),
      (extra, there) => idOf(extra) < idOf(there),
    );
    return new AccountLayout(sortedIds, Uint32Array.from(slots), new HashRing(points));
  }

  get accounts(): number {
    return this.sortedIds.length;
  }

  /** The rank of the first id that sorts after `id` (accounts when none). */
  rankAfter(id: string): number {
    let low = 0;
    let high = this.sortedIds.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.sortedIds[middle] ?? "") > id) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
