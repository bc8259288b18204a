/**
 * Sticky sessions: the same session key goes to the same account while it is healthy. A new
 * binding is the candidate set's hashed choice (a consistent-hash ring, availability/hash-ring.ts),
 * so replicas agree without shared state; bindings expire after an idle period, and a failed
 * account's sessions move on. Requests without a session key rotate like round-robin.
 *
 * Bindings are kept in the order they were queued for expiry, so expiry only looks at bindings
 * that are due, and each account's keys are indexed for release: no step walks every session.
 */
import type { Clock } from "../../time/clock.ts";
import { createRoundRobinStrategy } from "./round-robin.ts";
import type { SelectionStrategy } from "./selection-strategy.ts";

interface Binding {
  accountId: string;
  lastSeen: number;
  /** When the binding took its place in the expiry order (the Map's insertion order). */
  queuedAt: number;
}

export interface StickyOptions {
  readonly clock: Clock;
  readonly idleMs: number;
}

export interface StickyStrategy extends SelectionStrategy {
  readonly boundSessions: () => number;
}

export function createStickyStrategy(options: StickyOptions): StickyStrategy {
  /** In expiry order: queuedAt never decreases from first to last. */
  const bindings = new Map<string, Binding>();
  const keysByAccount = new Map<string, Set<string>>();
  const unkeyed = createRoundRobinStrategy();
  /** No binding can have expired before this time. */
  let nextExpiry = Number.POSITIVE_INFINITY;

  const link = (key: string, accountId: string): void => {
    const keys = keysByAccount.get(accountId);
    if (keys === undefined) keysByAccount.set(accountId, new Set([key]));
    else keys.add(key);
  };

  const unlink = (key: string, accountId: string): void => {
    const keys = keysByAccount.get(accountId);
    keys?.delete(key);
    if (keys?.size === 0) keysByAccount.delete(accountId);
  };

  const bind = (key: string, accountId: string, now: number): void => {
    const binding = bindings.get(key);
    if (binding === undefined) {
      bindings.set(key, { accountId, lastSeen: now, queuedAt: now });
      link(key, accountId);
      nextExpiry = Math.min(nextExpiry, now + options.idleMs);
      return;
    }
    binding.lastSeen = now;
    if (binding.accountId === accountId) return;
    unlink(key, binding.accountId);
    binding.accountId = accountId;
    link(key, accountId);
  };

  /**
   * Walks the expiry order from the front: expired bindings go, bindings used since they were
   * queued move to the back (at most once per idle period each), and the walk stops at the first
   * binding queued less than an idle period ago. Amortized O(1) per request.
   */
  const expire = (now: number): void => {
    nextExpiry = Number.POSITIVE_INFINITY;
    for (const [key, binding] of bindings) {
      if (now - binding.queuedAt < options.idleMs) {
        nextExpiry = binding.queuedAt + options.idleMs;
        return;
      }
      bindings.delete(key);
      if (now - binding.lastSeen >= options.idleMs) {
        unlink(key, binding.accountId);
      } else {
        binding.queuedAt = now;
        bindings.set(key, binding);
      }
    }
  };

  return {
    name: "sticky",
    boundSessions: () => bindings.size,
    choose(candidates, request) {
      const key = request.sessionKey;
      if (key === undefined) return unkeyed.choose(candidates, request);
      const now = options.clock.now();
      if (now >= nextExpiry) expire(now);
      const bound = bindings.get(key);
      const chosen =
        bound !== undefined && now - bound.lastSeen < options.idleMs && candidates.has(bound.accountId)
          ? bound.accountId
          : candidates.hashed(key);
      if (chosen !== undefined) bind(key, chosen, now);
      return chosen;
    },
    release(accountId) {
      for (const key of keysByAccount.get(accountId) ?? []) bindings.delete(key);
      keysByAccount.delete(accountId);
    },
  };
}
