/**
 * The one exponential backoff: every retry in the program (token refresh cooldowns, Kubernetes
 * watches and writes, the work queue, file locks and reads) waits `first · 2^(attempt−1)`, capped.
 */
export interface Backoff {
  /** The wait after the first failure. */
  readonly firstMs: number;
  /** The longest wait. */
  readonly maxMs: number;
}

/** The wait after the `attempt`-th failure in a row (1 for the first; below 1 counts as 1). */
export function backoffMs(backoff: Backoff, attempt: number): number {
  // The exponent is capped so that 2^n stays finite whatever the attempt count.
  const exponent = Math.min(Math.max(0, attempt - 1), 52);
  return Math.min(backoff.firstMs * 2 ** exponent, backoff.maxMs);
}

/** The wait spread over ±50 % (`random` in [0, 1)), so that writers in lockstep fall apart. */
export function jittered(ms: number, random: () => number = Math.random): number {
  return ms * (0.5 + random());
}
