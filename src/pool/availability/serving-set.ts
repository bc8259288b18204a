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
