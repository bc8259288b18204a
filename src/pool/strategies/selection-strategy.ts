/** The contract of an account-selection strategy (SPEC §5.2). Strategies never touch the network. */
import type { CandidateSet } from "./candidate-set.ts";

export interface SelectionRequest {
  /** Sticky strategies route equal keys to the same account while it stays healthy. */
  readonly sessionKey?: string;
}

export interface SelectionStrategy {
  readonly name: "round-robin" | "sticky" | "fixed";
  /** Whether choices depend on `sessionKey`; callers skip computing a key nobody reads. */
  readonly usesSessionKeys?: boolean;
  /**
   * Picks one of `candidates` (healthy, not yet tried by this request). Returns undefined only
   * when there is no candidate. It must ask `candidates` a bounded number of questions: the pool
   * answers each in O(1), and a choice must not cost more with more accounts.
   */
  choose(candidates: CandidateSet, request: SelectionRequest): string | undefined;
  /** The account left the pool: forget anything bound to it. */
  release(accountId: string): void;
}
