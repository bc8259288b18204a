/**
 * Sticky sessions: the same session key goes to the same account while it is healthy. A new
 * binding is the candidate set's hashed choice (a consistent-hash ring, availability/hash-ring.ts),
 * so replicas agree without shared state; bindings expire after an idle period, and a failed
 * account's sessions move on. Requests without a session key rotate like round-robin.
 *
 * Bindings are kept in a queue in the order they were queued for expiry, so expiry only looks at
 * bindings that are due; a release voids its account's bindings by epoch, at once, and they are
 * dropped when next seen. No step on the request path walks every session. The queue is an array
 * read from a moving head, not the Map's own order: taking a Map's first entry again and again
 * walks past every entry deleted before it (tens of µs per request once many sessions came and
 * went). At most `maxSessions` bindings are
 * kept (clients choose session keys, so their number is the client's to grow): past that, the
 * binding first in the expiry order goes — its session then lands on its hashed choice again,
 * which is its account unless the pool changed since.
 */
import type { Clock } from "../../time/clock.ts";
import { createRoundRobinStrategy } from "./round-robin.ts";
import type { SelectionStrategy } from "./selection-strategy.ts";

interface Binding {
  key: string;
  accountId: string;
  lastSeen: number;
  /** When the binding took its place in the expiry queue. */
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
  const bindings = new Map<string, Binding>();
  /** Every binding once, in expiry order from `head` on: queuedAt never decreases. */
  let queue: Binding[] = [];
  let head = 0;
  /** Each release is a new epoch; an account's last release voids the bindings made before it. */
  let epoch = 0;
  const releasedAt = new Map<string, number>();
  const unkeyed = createRoundRobinStrategy();
  /** No binding can have expired before this time. */
  let nextExpiry = Number.POSITIVE_INFINITY;
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;

  /** The binding first in the expiry order, taken off the queue. */
  const dequeue = (): Binding | undefined => {
    const first = queue[head];
    if (first === undefined) return undefined;
    head += 1;
    // Drop the read part once it is most of the array: amortized O(1) per binding.
    if (head >= 1024 && head * 2 >= queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    return first;
  };

  /** Makes room for one more binding: drops the binding first in the expiry order, and returns it. */
  const evictOldest = (): Binding | undefined => {
    const oldest = dequeue();
    if (oldest !== undefined) bindings.delete(oldest.key);
    return oldest;
  };

  const released = (binding: Binding): boolean => binding.epoch < (releasedAt.get(binding.accountId) ?? 0);

  /**
   * Binds `key` to `accountId`: updates `bound` (the key's binding, if it has one), else makes a
   * binding — reusing the one evicted to make room, so a pool at its session limit allocates nothing.
   */
  const bind = (key: string, bound: Binding | undefined, accountId: string, now: number): void => {
    if (bound !== undefined) {
      bound.accountId = accountId;
      bound.lastSeen = now;
      bound.epoch = epoch;
      return;
    }
    const evicted = bindings.size >= maxSessions ? evictOldest() : undefined;
    const binding = evicted ?? { key, accountId, lastSeen: now, queuedAt: now, epoch };
    if (evicted !== undefined) {
      evicted.key = key;
      evicted.accountId = accountId;
      evicted.lastSeen = now;
      evicted.queuedAt = now;
      evicted.epoch = epoch;
    }
    bindings.set(key, binding);
    queue.push(binding);
    nextExpiry = Math.min(nextExpiry, now + options.idleMs);
  };

  /**
   * Walks the expiry order from the front: expired or released bindings go, bindings used since
   * they were queued move to the back (at most once per idle period each), and the walk stops at
   * the first binding queued less than an idle period ago. Amortized O(1) per request.
   */
  const expire = (now: number): void => {
    nextExpiry = Number.POSITIVE_INFINITY;
    for (let binding = queue[head]; binding !== undefined; binding = queue[head]) {
      if (now - binding.queuedAt < options.idleMs) {
        nextExpiry = binding.queuedAt + options.idleMs;
        return;
      }
      dequeue();
      if (now - binding.lastSeen < options.idleMs && !released(binding)) {
        binding.queuedAt = now;
        queue.push(binding);
      } else {
        bindings.delete(binding.key);
      }
    }
  };

  return {
    name: "sticky",
    usesSessionKeys: true,
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
      if (chosen !== undefined) bind(key, bound, chosen, now);
      return chosen;
    },
    release(accountId) {
      epoch += 1;
      releasedAt.set(accountId, epoch);
    },
  };
}
