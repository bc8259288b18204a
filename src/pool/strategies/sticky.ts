/**
 * Sticky sessions: the same session key goes to the same account while it is healthy. A new
 * binding is chosen by rendezvous hashing over the healthy set, so replicas agree without shared
 * state; bindings expire after an idle period, and a failed account's sessions move on.
 * Requests without a session key rotate like round-robin.
 */
import type { Clock } from "../../time/clock.ts";
import { rendezvousChoose } from "../rendezvous-hash.ts";
import { createRoundRobinStrategy } from "./round-robin.ts";
import type { SelectionStrategy } from "./selection-strategy.ts";

interface Binding {
  accountId: string;
  lastSeen: number;
}

export interface StickyOptions {
  readonly clock: Clock;
  readonly idleMs: number;
}

export interface StickyStrategy extends SelectionStrategy {
  readonly boundSessions: () => number;
}

export function createStickyStrategy(options: StickyOptions): StickyStrategy {
  const bindings = new Map<string, Binding>();
  const unkeyed = createRoundRobinStrategy();
  let nextSweep = 0;

  const sweep = (now: number): void => {
    if (now < nextSweep) return;
    nextSweep = now + Math.min(options.idleMs, 60_000);
    for (const [key, binding] of bindings) {
      if (now - binding.lastSeen >= options.idleMs) bindings.delete(key);
    }
  };

  return {
    name: "sticky",
    boundSessions: () => bindings.size,
    choose(candidateIds, request) {
      const key = request.sessionKey;
      if (key === undefined) return unkeyed.choose(candidateIds, request);
      const now = options.clock.now();
      sweep(now);
      const bound = bindings.get(key);
      const live = bound !== undefined && now - bound.lastSeen < options.idleMs ? bound : undefined;
      const chosen =
        live !== undefined && candidateIds.includes(live.accountId)
          ? live.accountId
          : rendezvousChoose(key, candidateIds);
      if (chosen !== undefined) bindings.set(key, { accountId: chosen, lastSeen: now });
      return chosen;
    },
    release(accountId) {
      for (const [key, binding] of bindings) {
        if (binding.accountId === accountId) bindings.delete(key);
      }
    },
  };
}
