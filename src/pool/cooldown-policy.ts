/** How long each kind of trouble keeps an account out of rotation (SPEC §5.4). */

export const TRANSIENT_BACKOFF_START_MS = 10_000;
export const TRANSIENT_BACKOFF_MAX_MS = 300_000;
export const RATE_LIMIT_DEFAULT_MS = 30_000;
/** Upstream hints beyond a day are clamped (and logged), never silently shortened below it. */
export const RATE_LIMIT_MAX_MS = 24 * 60 * 60 * 1000;
export const VALIDATION_BLOCK_MS = 10 * 60 * 1000;
export const FORBIDDEN_COOLDOWN_MS = 10 * 60 * 1000;
export const FORBIDDEN_STREAK_LIMIT = 3;
export const UPSTREAM_TRANSIENT_COOLDOWN_MS = 5_000;

/** 10 s, 20 s, 40 s, … up to 5 min for the n-th consecutive transient failure (n ≥ 1). */
export function transientBackoffMs(consecutiveFailures: number): number {
  const exponent = Math.max(0, consecutiveFailures - 1);
  return Math.min(TRANSIENT_BACKOFF_START_MS * 2 ** Math.min(exponent, 30), TRANSIENT_BACKOFF_MAX_MS);
}
