/**
 * The accounts that may serve one request, as a strategy sees them: it asks questions instead of
 * walking a list, so the pool can answer each in O(1) however many accounts it holds. `listedCandidates`
 * answers the same questions from a plain list, by their definitions (tests use it as the
 * reference the pool's index must match).
 */
import { ringChoose } from "../availability/hash-ring.ts";

export interface CandidateSet {
  /** True when `id` may serve this request. */
  has(id: string): boolean;
  /**
   * The first candidate whose id sorts after `id`, wrapping to the smallest; the smallest when
   * `id` is undefined. `id` need not be a candidate, nor in the pool. Undefined when there is none.
   */
  nextAfter(id: string | undefined): string | undefined;
  /**
   * The candidate a session key hashes to (hash-ring.ts): a function of the key and the set of
   * candidates alone, so every replica seeing the same set agrees. Undefined when there is none.
   */
  hashed(key: string): string | undefined;
  /**
   * The time (clock milliseconds) the set was answered for, when known: a strategy that needs the
   * time of the request reads it here instead of the clock again.
   */
  readonly at?: number | undefined;
}

/** The candidates `ids` (any order, no duplicates), answered by definition in O(n). */
export function listedCandidates(ids: readonly string[]): CandidateSet {
  const sorted = [...ids].sort();
  return {
    has: (id) => sorted.includes(id),
    nextAfter: (id) => (id === undefined ? undefined : sorted.find((c) => c > id)) ?? sorted[0],
    hashed: (key) => ringChoose(key, sorted),
  };
}
