/**
 * Disables that must not be lost to an unreachable API server. A proxy decides a disable from
 * Google's invalid_grant, which it cannot ask for again: when the status write fails because the
 * API server is down or restarting, the change is held here, per account, and written again with
 * backoff until it lands (or the stored state makes it moot: the Secret was rotated meanwhile, or
 * another replica disabled it first). While it is held, the store reports the account as the
 * change makes it, so a watch event or a resync cannot put it back into the pool.
 *
 * Only disables are held: they are compare-and-set changes (they check the token that failed), so
 * writing one late is safe; other writes keep failing to their caller, who decides.
 */
import type { Account } from "../../accounts/account.ts";
import { describeKubeError, statusOf } from "../../kubernetes/kube-api.ts";
import type { Logger } from "../../log/logger.ts";
import { backoffMs } from "../../time/backoff.ts";
import type { CancelTimer, Clock } from "../../time/clock.ts";
import type { AccountChange, UpdateResult } from "../account-store.ts";

export interface PendingWritesOptions {
  /** The store's own write path (fresh read, resourceVersion, 409 retries), without holding. */
  readonly write: (id: string, change: AccountChange) => Promise<UpdateResult>;
  /** The account as stored now (without held changes), to tell a disable from other changes. */
  readonly stored: (id: string) => Account | undefined;
  /** A held change landed or was dropped: what the store reports for `id` may have changed. */
  readonly settled: (id: string) => void;
  readonly log: Logger;
  /** Delay before the first retry; doubled after each failure. Default 250 ms. */
  readonly baseDelayMs?: number;
  /** Cap of the delay. Default 10 s. */
  readonly maxDelayMs?: number;
  readonly clock: Clock;
}

export interface PendingWrites {
  /**
   * Holds `change` for retries when it disables the account and `error` says the API server could
   * not be reached; returns whether it did. A newer disable of the same account replaces the older.
   */
  hold(id: string, change: AccountChange, error: unknown): boolean;
  /** `account` as it will be once the change held for it lands. */
  apply(id: string, account: Account): Account;
  /** Stops retrying (the store closes); held changes are dropped. */
  close(): void;
}

interface Held {
  change: AccountChange;
  attempts: number;
  cancel: CancelTimer;
}

/** No HTTP status (connection refused, reset, timed out), 429 or 5xx: worth trying again later. */
export function isUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    const status = statusOf(current);
    if (status !== undefined) return status === 429 || status >= 500;
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined) return true;
    current = cause;
  }
  return true;
}

export function createPendingWrites(options: PendingWritesOptions): PendingWrites {
  const { log, clock } = options;
  const backoff = { firstMs: options.baseDelayMs ?? 250, maxMs: options.maxDelayMs ?? 10_000 };
  const held = new Map<string, Held>();
  let closed = false;

  const disables = (id: string, change: AccountChange): boolean => {
    const current = options.stored(id);
    return current !== undefined && !current.disabled && change(current)?.disabled === true;
  };

  const later = (id: string, entry: Held): void => {
    entry.cancel = clock.setTimer(() => void retry(id, entry), backoffMs(backoff, entry.attempts + 1));
  };

  const settle = (id: string, entry: Held): void => {
    if (held.get(id) !== entry) return;
    held.delete(id);
    options.settled(id);
  };

  const retry = async (id: string, entry: Held): Promise<void> => {
    if (closed || held.get(id) !== entry) return;
    entry.attempts += 1;
    try {
      const result = await options.write(id, entry.change);
      const outcome = result.status === "updated" ? "saved" : "no longer needed (stored state changed)";
      log.info(`The disabled state of Account ${id} held since a failed write is ${outcome}`, {
        account: id,
        attempts: entry.attempts,
      });
      settle(id, entry);
    } catch (error) {
      if (closed || held.get(id) !== entry) return;
      if (isUnreachable(error)) {
        log.debug(`Still cannot save the disabled state of Account ${id}: ${describeKubeError(error)}`);
        later(id, entry);
        return;
      }
      log.error(`Dropping the held disabled state of Account ${id}: ${describeKubeError(error)}`, {
        account: id,
      });
      settle(id, entry);
    }
  };

  return {
    hold(id, change, error) {
      if (closed || !isUnreachable(error) || !disables(id, change)) return false;
      const previous = held.get(id);
      previous?.cancel();
      const entry: Held = { change, attempts: previous?.attempts ?? 0, cancel: () => {} };
      held.set(id, entry);
      if (previous === undefined) {
        log.warn(
          `Cannot reach the API server to save the disabled state of Account ${id} (${describeKubeError(error)}); keeping it out of the pool and retrying until it is saved`,
          { account: id },
        );
      }
      later(id, entry);
      return true;
    },
    apply(id, account) {
      const entry = held.get(id);
      return entry === undefined ? account : (entry.change(account) ?? account);
    },
    close() {
      closed = true;
      for (const entry of held.values()) entry.cancel();
      held.clear();
    },
  };
}
