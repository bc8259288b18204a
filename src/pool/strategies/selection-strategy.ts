/** The contract of an account-selection strategy (SPEC §5.2). Strategies never touch the network. */

export interface SelectionRequest {
  /** Sticky strategies route equal keys to the same account while it stays healthy. */
  readonly sessionKey?: string;
}

export interface SelectionStrategy {
  readonly name: "round-robin" | "sticky" | "fixed";
  /**
   * Picks one of `candidateIds` (healthy, not yet tried by this request, sorted by id).
   * Returns undefined only when there is no candidate.
   */
  choose(candidateIds: readonly string[], request: SelectionRequest): string | undefined;
  /** The account left the pool: forget anything bound to it. */
  release(accountId: string): void;
}
