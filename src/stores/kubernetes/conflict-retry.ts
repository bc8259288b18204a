/**
 * Retrying a write the API server refused with 409 (someone wrote the object since we read it):
 * re-read and try again after a short, growing, jittered pause, as client-go's RetryOnConflict.
 * Writers in lockstep would otherwise keep colliding.
 */
import { backoffMs, jittered } from "../../time/backoff.ts";
import { type Clock, pause } from "../../time/clock.ts";

export const MAX_CONFLICT_RETRIES = 8;

const CONFLICT_BACKOFF = { firstMs: 10, maxMs: 1_000 };

/** 10 ms · 2ⁿ for the n-th retry from 0 (at most 1 s), ±50 %. */
export function conflictPause(clock: Clock, attempt: number): Promise<void> {
  return pause(clock, jittered(backoffMs(CONFLICT_BACKOFF, attempt + 1)));
}
