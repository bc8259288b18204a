/**
 * Sticky sessions: the same session key goes to the same account while it is healthy. A new
 * binding is the candidate set's hashed choice (a consistent-hash ring, availability/hash-ring.ts),
 * so replicas agree without shared state; bindings expire after an idle period, and a failed
 * account's sessions move on. Requests without a session key rotate like round-robin.
 *
 * Bindings are kept in the order they were queued for expiry (session-table.ts, found by key in
 * O(1)), so expiry only looks at bindings that are due; a release voids its account's bindings by
 * epoch, at once, and they are dropped when next seen. No step on the request path walks every
 * session. At most `maxSessions` bindings are kept (clients choose session keys, so their number
 * is the client's to grow): past that, the binding first in the expiry order goes — its session
 * then lands on its hashed choice again, which is its account unless the pool changed since.
 */
import type { Clock } from "../../time/clock.ts";
import { createRoundRobinStrategy } from "./round-robin.ts";
import type { SelectionStrategy } from "./selection-strategy.ts";
import { NOT_BOUND, SessionTable } from "./session-table.ts";

export interface StickyOptions {
  readonly clock: Clock;
  readonly idleMs: number;
  /**
   * Most bindings kept at once (100,000 by default: about 6 MB in all, as a binding keeps its
   * key's hash, not the key).
   */
  readonly maxSessions?: number;
}

export const DEFAULT_MAX_SESSIONS = 100_000;

export interface StickyStrategy extends SelectionStrategy {
  /** Bindings in force (not released); walks them all — for tests and diagnostics. */
  readonly boundSessions: () => number;
}

export function createStickyStrategy(options: StickyOptions): StickyStrategy {
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const bindings = new SessionTable(maxSessions);
  /** Each release is a new epoch; an account's last release voids the bindings made before it. */
  let epoch = 0;
  const releasedAt = new Map<string, number>();
  const unkeyed = createRoundRobinStrategy();
  /** No binding can have expired before this time. */
  let nextExpiry = Number.POSITIVE_INFINITY;

  const released = (accountId: string, bindingEpoch: number): boolean =>
    bindingEpoch < (releasedAt.get(accountId) ?? 0);

  /**
   * Walks the expiry order from the front: expired or released bindings go, bindings used since
   * they were queued move to the back (at most once per idle period each), and the walk stops at
   * the first binding queued less than an idle period ago. Amortized O(1) per request.
   */
  const expire = (now: number): void => {
    nextExpiry = Number.POSITIVE_INFINITY;
    for (let at = bindings.oldest(); at !== NOT_BOUND; at = bindings.oldest()) {
      const queuedAt = bindings.queuedAtOf(at);
      if (now - queuedAt < options.idleMs) {
        nextExpiry = queuedAt + options.idleMs;
        return;
      }
      const live =
        now - bindings.lastSeenAt(at) < options.idleMs &&
        !released(bindings.accountAt(at), bindings.epochAt(at));
      if (live) bindings.requeueOldest(now);
      else bindings.dropOldest();
    }
  };

  return {
    name: "sticky",
    usesSessionKeys: true,
    boundSessions: () => {
      let count = 0;
      bindings.forEach((accountId, bindingEpoch) => {
        if (!released(accountId, bindingEpoch)) count += 1;
      });
      return count;
    },
    choose(candidates, request) {
      const key = request.sessionKey;
      if (key === undefined) return unkeyed.choose(candidates, request);
      const now = candidates.at ?? options.clock.now();
      if (now >= nextExpiry) expire(now);
      const at = bindings.find(key);
      const bound =
        at !== NOT_BOUND &&
        now - bindings.lastSeenAt(at) < options.idleMs &&
        !released(bindings.accountAt(at), bindings.epochAt(at)) &&
        candidates.has(bindings.accountAt(at));
      const chosen = bound ? bindings.accountAt(at) : candidates.hashed(key);
      if (chosen === undefined) return undefined;
      if (at !== NOT_BOUND) {
        bindings.update(at, chosen, now, epoch);
        return chosen;
      }
      // At the limit, the binding first in the expiry order makes room.
      if (bindings.size >= maxSessions) bindings.dropOldest();
      bindings.add(key, chosen, now, epoch);
      nextExpiry = Math.min(nextExpiry, now + options.idleMs);
      return chosen;
    },
    release(accountId) {
      epoch += 1;
      releasedAt.set(accountId, epoch);
    },
  };
}
