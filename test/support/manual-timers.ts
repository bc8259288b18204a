/** One-shot timers a test fires by hand (the body timeout's `startTimer`), instead of waiting. */
import type { StartTimer } from "../../src/time/shared-deadlines.ts";

export interface ManualTimers {
  readonly start: StartTimer;
  /** Timers started and neither fired nor cancelled. */
  pending(): number;
  /** Fires every pending timer. */
  fireAll(): void;
}

export function manualTimers(): ManualTimers {
  const pending = new Set<() => void>();
  return {
    start: (_ms, fire) => {
      pending.add(fire);
      return () => pending.delete(fire);
    },
    pending: () => pending.size,
    fireAll: () => {
      const due = [...pending];
      pending.clear();
      for (const fire of due) fire();
    },
  };
}
