/** Lets a message through at most once per interval per key ("logged once per minute"). */
import type { Clock } from "../time/clock.ts";

export type Throttle = (key: string) => boolean;

export function createThrottle(clock: Clock, intervalMs: number): Throttle {
  const lastPassed = new Map<string, number>();
  return (key) => {
    const now = clock.now();
    const last = lastPassed.get(key);
    if (last !== undefined && now - last < intervalMs) return false;
    lastPassed.set(key, now);
    return true;
  };
}
