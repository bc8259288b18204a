/** One preferred account (by id or email); round-robin over the rest while it is unhealthy. */
import { createRoundRobinStrategy } from "./round-robin.ts";
import type { SelectionStrategy } from "./selection-strategy.ts";

/** Resolves the configured preference (id or email) to an account id at choice time. */
export type PreferredAccount = () => string | undefined;

export function createFixedStrategy(preferred: PreferredAccount): SelectionStrategy {
  const fallback = createRoundRobinStrategy();
  return {
    name: "fixed",
    choose(candidates, request) {
      const id = preferred();
      if (id !== undefined && candidates.has(id)) return id;
      return fallback.choose(candidates, request);
    },
    release() {},
  };
}
