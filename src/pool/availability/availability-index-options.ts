/** How an AvailabilityIndex is set up: the size of its small layout, quota preference. */
export interface AvailabilityIndexOptions {
  /**
   * How many arrivals and departures (out of `accounts`) the small layout holds before a merge;
   * about 2·√n by default. Tests lower it to make merges frequent.
   */
  readonly recentBound?: (accounts: number) => number;
  /** Quota preference (quota-tiers.ts): choose among the accounts with the most quota left. */
  readonly quotaTiers?: boolean;
}

/** About 2·√n: an arrival then costs O(√n), and a merge O(n) comes once per O(√n) arrivals. */
export function defaultRecentBound(accounts: number): number {
  return Math.max(64, Math.ceil(2 * Math.sqrt(accounts)));
}
