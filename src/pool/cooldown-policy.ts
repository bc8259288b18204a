/** How long each kind of trouble keeps an account out of rotation (SPEC §5.4). */
import { type Backoff, backoffMs } from "../time/backoff.ts";

/** A token refresh's transient failures in a row: 10 s, doubling up to 5 min. */
const TRANSIENT_BACKOFF: Backoff = { firstMs: 10_000, maxMs: 300_000 };
export const RATE_LIMIT_DEFAULT_MS = 30_000;
/** Upstream hints beyond a day are clamped (and logged), never silently shortened below it. */
export const RATE_LIMIT_MAX_MS = 24 * 60 * 60 * 1000;
export const VALIDATION_BLOCK_MS = 10 * 60 * 1000;
export const FORBIDDEN_COOLDOWN_MS = 10 * 60 * 1000;
export const FORBIDDEN_STREAK_LIMIT = 3;
export const UPSTREAM_TRANSIENT_COOLDOWN_MS = 5_000;

/** 10 s, 20 s, 40 s, … up to 5 min for the n-th consecutive transient failure (n ≥ 1). */
export function transientBackoffMs(consecutiveFailures: number): number {
  return backoffMs(TRANSIENT_BACKOFF, consecutiveFailures);
}
