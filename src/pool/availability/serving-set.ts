/**
 * Which accounts can serve one kind of request (any model, or one model some accounts are
 * blocked for), kept in the two orders the strategies walk: by id (rotation) and by ring position
 * (sticky sessions' hashed choice). Positions come from the index's layout.
 */
import { SummaryBitset } from "./summary-bitset.ts";

export class ServingSet {
  readonly byId: SummaryBitset;
  readonly byRing: SummaryBitset;

  constructor(byId: SummaryBitset, byRing: SummaryBitset) {
    this.byId = byId;
    this.byRing = byRing;
  }

  static empty(accounts: number, ringPositions: number): ServingSet {
    return new ServingSet(new SummaryBitset(accounts), new SummaryBitset(ringPositions));
  }

  clone(): ServingSet {
    return new ServingSet(this.byId.clone(), this.byRing.clone());
  }
}

/**
 * The first set bit of `bits` at or after `start` (wrapping) that `accept` takes, or -1. Each
 * refusal costs one more step, so callers refuse only a bounded number (the ids a request tried).
 */
export function firstAccepted(
  bits: SummaryBitset,
  start: number,
  accept: (index: number) => boolean,
): number {
  const first = bits.nextCircular(start);
  if (first < 0 || accept(first)) return first;
  for (let at = bits.nextCircular(first + 1); at !== first && at >= 0; at = bits.nextCircular(at + 1)) {
    if (accept(at)) return at;
  }
  return -1;
}
