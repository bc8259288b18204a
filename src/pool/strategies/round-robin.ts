/**
 * A true rotation: each choice takes the next healthy account after the last one chosen, in id
 * order, so load spreads evenly even as accounts join and leave (the reference concentrated load
 * on one account for 60 s at a time).
 */
import type { SelectionStrategy } from "./selection-strategy.ts";

export function createRoundRobinStrategy(): SelectionStrategy {
  let last: string | undefined;
  return {
    name: "round-robin",
    choose(candidates) {
      const next = candidates.nextAfter(last);
      if (next !== undefined) last = next;
      return next;
    },
    release() {},
  };
}
