/**
 * Sticky sessions: the same session key goes to the same account while it is healthy. A new
 * binding is the candidate set's hashed choice (a consistent-hash ring, availability/hash-ring.ts),
 * so replicas agree without shared state; bindings expire after an idle period, and a failed
 * account's sessions move on. Requests without a session key rotate like round-robin.
 *
 * Bindings are kept in the order they were queued for expiry, so expiry only looks at bindings
 * that are due; a release voids its account's bindings by epoch, at once, and they are dropped when
 * next seen. No step on the request path walks every session. At most `maxSessions` bindings are
 * kept (clients choose session keys, so their number is the client's to grow): past that, the
 * binding first in the expiry order goes — its session then lands on its hashed choice again,
 * which is its account unless the pool changed since.
 */
import type { Clock } from "../../time/clock.ts";
import { createRoundRobinStrategy } from "./round-robin.ts";
import type { SelectionStrategy } from "./selection-strategy.ts";

interface Binding {
  accountId: string;
  lastSeen: number;
  /** When the binding took its place in the expiry order (the Map's insertion order). */
  queuedAt: number;
  /** The release epoch when the binding was made: a later release of its account voids it. */
  epoch: number;
}

export interface StickyOptions {
  readonly clock: Clock;
  readonly idleMs: number;
  /** Most bindings kept at once (100,000 by default: about 15 MB). */
  readonly maxSessions?: number;
}

export const DEFAULT_MAX_SESSIONS = 100_000;

export interface StickyStrategy extends SelectionStrategy {
  /** Bindings in force (not released); walks them all — for tests and diagnostics. */
  readonly boundSessions: () => number;
}

export function createStickyStrategy(options: StickyOptions): StickyStrategy {
  /** In expiry order: queuedAt never decreases from first to last. */
  const bindings = new Map<string, Binding>();
  /** Each release is a new epoch; an account's last release voids the bindings made before it. */
  let epoch = 0;
  const releasedAt = new Map<string, number>();
  const unkeyed = createRoundRobinStrategy();
  /** No binding can have expired before this time. */
  let nextExpiry = Number.POSITIVE_INFINITY;
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;

  /** Makes room for one more binding: drops the binding first in the expiry order. */
  const evictOldest = (): void => {
    for (const key of bindings.keys()) {
      bindings.delete(key);
      return;
    }
  };

  const released = (binding: Binding): boolean => binding.epoch < (releasedAt.get(binding.accountId) ?? 0);

  const bind = (key: string, accountId: string, now: number): void => {
    const binding = bindings.get(key);
    if (binding === undefined) {
      if (bindings.size >= maxSessions) evictOldest();
      bindings.set(key, { accountId, lastSeen: now, queuedAt: now, epoch });
      nextExpiry = Math.min(nextExpiry, now + options.idleMs);
      return;
    }
    binding.accountId = accountId;
    binding.lastSeen = now;
    binding.epoch = epoch;
  };

  /**
   * Walks the expiry order from the front: expired or released bindings go, bindings used since
   * they were queued move to the back (at most once per idle period each), and the walk stops at
   * the first binding queued less than an idle period ago. Amortized O(1) per request.
   */
  const expire = (now: number): void => {
    nextExpiry = Number.POSITIVE_INFINITY;
    for (const [key, binding] of bindings) {
      if (now - binding.queuedAt < options.idleMs) {
        nextExpiry = binding.queuedAt + options.idleMs;
        return;
      }
      bindings.delete(key);
      if (now - binding.lastSeen < options.idleMs && !released(binding)) {
        binding.queuedAt = now;
        bindings.set(key, binding);
      }
    }
  };

  return {
    name: "sticky",
    boundSessions: () => {
      let count = 0;
      for (const binding of bindings.values()) if (!released(binding)) count += 1;
      return count;
    },
    choose(candidates, request) {
      const key = request.sessionKey;
      if (key === undefined) return unkeyed.choose(candidates, request);
      const now = options.clock.now();
      if (now >= nextExpiry) expire(now);
      const bound = bindings.get(key);
      const chosen =
        bound !== undefined &&
        now - bound.lastSeen < options.idleMs &&
        !released(bound) &&
        candidates.has(bound.accountId)
          ? bound.accountId
          : candidates.hashed(key);
      if (chosen !== undefined) bind(key, chosen, now);
      return chosen;
    },
    release(accountId) {
      epoch += 1;
      releasedAt.set(accountId, epoch);
    },
  };
}
