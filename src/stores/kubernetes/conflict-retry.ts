/**
 * Retrying a write the API server refused with 409 (someone wrote the object since we read it):
 * re-read and try again after a short, growing, jittered pause, as client-go's RetryOnConflict.
 * Writers in lockstep would otherwise keep colliding.
 */
export const MAX_CONFLICT_RETRIES = 8;

/** 10 ms · 2ⁿ (at most 1 s), ±50 %. */
export function conflictPause(attempt: number): Promise<void> {
  const ms = Math.min(1_000, 10 * 2 ** attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
