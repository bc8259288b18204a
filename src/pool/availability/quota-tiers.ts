/**
 * Quota preference: among the accounts that can serve a request for a model of a quota group,
 * prefer those with more of that group's quota left. Accounts fall into tiers of ten percent
 * (0–9 … 90–99, 100); the strategy chooses within the best tier that has a candidate, so a
 * rotation spreads load over the richest accounts and a new sticky session hashes among them
 * (every replica reading the same quota agrees). An account a session is bound to stays bound
 * while it can serve at all. The index keeps a serving set per group and tier, so finding the
 * best tier asks at most eleven sets a question each: no sort, whatever the pool's size.
 */
import type { CandidateSet } from "../strategies/candidate-set.ts";

export const TIER_COUNT = 11;

/** The tier of a percentage left (0–100; an account without quota data for the group is full). */
export function tierOf(percentage: number | undefined): number {
  if (percentage === undefined) return TIER_COUNT - 1;
  return Math.min(TIER_COUNT - 1, Math.max(0, Math.floor(percentage / 10)));
}

/**
 * The request's candidates with quota preference: membership from all of them, choices from the
 * best tier that has one.
 */
export class TieredCandidates implements CandidateSet {
  readonly #all: CandidateSet;
  readonly #tier: (tier: number) => CandidateSet | undefined;
  /** The best tier known to have a candidate, once a question found it. */
  #best = -1;

  /**
   * `tier(t)` gives the candidates of tier t (undefined when the group has no such tier); each
   * choice asks the tiers from the best down and stops at the first that answers.
   */
  constructor(all: CandidateSet, tier: (tier: number) => CandidateSet | undefined) {
    this.#all = all;
    this.#tier = tier;
  }

  has(id: string): boolean {
    return this.#all.has(id);
  }

  get at(): number | undefined {
    return this.#all.at;
  }

  nextAfter(id: string | undefined): string | undefined {
    return this.#first(false, id);
  }

  hashed(key: string): string | undefined {
    return this.#first(true, key);
  }

  /**
   * Asks `nextAfter(text)` (or, when `hashed`, `hashed(text)`) of the tiers, best first: a flag
   * rather than a closure, so that a question allocates nothing.
   */
  #first(hashed: boolean, text: string | undefined): string | undefined {
    for (let t = this.#best >= 0 ? this.#best : TIER_COUNT - 1; t >= 0; t--) {
      const tier = this.#tier(t);
      if (tier === undefined) continue;
      const answer = hashed ? tier.hashed(text ?? "") : tier.nextAfter(text);
      if (answer !== undefined) {
        this.#best = t;
        return answer;
      }
    }
    return undefined;
  }
}

/**
 * The same questions answered by definition from a plain list of candidate ids and their tiers,
 * for tests: the reference the index's answers must match.
 */
export function listedTieredCandidates(
  ids: readonly string[],
  tier: (id: string) => number,
  listed: (ids: readonly string[]) => CandidateSet,
): CandidateSet {
  const all = listed(ids);
  const best = ids.length === 0 ? -1 : Math.max(...ids.map(tier));
  const top = listed(ids.filter((id) => tier(id) === best));
  return { has: all.has, nextAfter: top.nextAfter, hashed: top.hashed };
}
