/**
 * Where each account sits in the two orders the strategies walk: its rank in id order and its
 * positions on the hash ring. Rebuilt when accounts join or leave the pool (not when their health
 * changes): a string sort of the ids and a radix sort of the ring.
 */
import { HashRing } from "./hash-ring.ts";

export class AccountLayout {
  /** rank → slot, in id order. */
  readonly slotsById: Uint32Array;
  /** rank → id. */
  readonly sortedIds: readonly string[];
  /** slot → rank; -1 for a free slot. */
  readonly #rankOf: Int32Array;
  readonly ring: HashRing;
  /**
   * The last id handed out in id order and its rank: a rotation asks for the account after the
   * one it got last, and this spares it a lookup (and a cold cache line) in a large pool.
   */
  readonly lastAnswer: { id: string | undefined; rank: number } = { id: undefined, rank: -1 };

  constructor(slotOf: ReadonlyMap<string, number>, slotCapacity: number, hashOf: (slot: number) => number) {
    const sortedIds = [...slotOf.keys()].sort();
    this.sortedIds = sortedIds;
    this.slotsById = Uint32Array.from(sortedIds, (id) => slotOf.get(id) ?? 0);
    this.#rankOf = new Int32Array(slotCapacity).fill(-1);
    this.slotsById.forEach((slot, rank) => {
      this.#rankOf[slot] = rank;
    });
    this.ring = new HashRing(sortedIds.length, (rank) => hashOf(this.slotsById[rank] ?? 0));
  }

  get accounts(): number {
    return this.sortedIds.length;
  }

  rankOf(slot: number): number {
    return this.#rankOf[slot] ?? -1;
  }

  /** The rank of the first id that sorts after `id` (accounts.length when none). */
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
