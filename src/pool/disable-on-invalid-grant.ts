/**
 * SPEC §5.5, once per account however many requests race on it: re-read the stored account and,
 * unless its refresh token was replaced meanwhile, persist `disabled`, log the two lines, tell
 * telemetry and release the account. It remembers the disables it decided, so the pool can tell
 * the echo of its own write (silent) from another process's disable (logged as "Skipping").
 */
import type { Account } from "../accounts/account.ts";
import { markDisabled, truncateReason } from "../accounts/account-transitions.ts";
import { describeTokenFailure, type TokenFailure } from "../accounts/token-failure.ts";
import type { Logger } from "../log/logger.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { type Clock, unixSeconds } from "../time/clock.ts";
import type { PoolEntry } from "./pool-entry.ts";
import { notify, type PoolObserver } from "./pool-observer.ts";

export interface DisableDeps {
  readonly store: AccountStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly observer: PoolObserver;
  /** Called once the account is disabled, to release its sessions. */
  readonly onDisabled: (entry: PoolEntry) => void;
}

export interface InvalidGrantDisabler {
  /**
   * Disables the account whose refresh token `used` Google refused. Returns the stored account
   * when its refresh token was replaced during the failed refresh (it deserves a try), else undefined.
   */
  disable(entry: PoolEntry, used: string, failure: TokenFailure): Promise<Account | undefined>;
  /** True when `account` is disabled by this process's own decision (its store event is an echo). */
  isOwnDisable(account: Account): boolean;
}

interface OwnDisable {
  readonly refreshToken: string;
  readonly reason: string;
}

export function createInvalidGrantDisabler(deps: DisableDeps): InvalidGrantDisabler {
  const { store, clock, log, observer } = deps;
  const decided = new Map<string, OwnDisable>();

  return {
    isOwnDisable(account) {
      const own = decided.get(account.id);
      return (
        account.disabled &&
        own !== undefined &&
        own.refreshToken === account.token.refreshToken &&
        own.reason === account.disabledReason
      );
    },

    async disable(entry, used, failure) {
      const { id, email } = entry.account;
      const reason = describeTokenFailure(failure);
      const at = unixSeconds(clock);
      // Noted before the write: a store may report the write to its watchers before it returns.
      decided.set(id, { refreshToken: used, reason: truncateReason(reason) });
      const result = await store
        .update(id, (current) =>
          current.token.refreshToken === used && !current.disabled
            ? markDisabled(current, reason, at)
            : undefined,
        )
        .catch((cause: unknown) => {
          log.error(`Cannot save the disabled state of ${email}: ${String(cause)}`, { account: id });
          return { status: "updated" as const, account: markDisabled(entry.account, reason, at) };
        });
      if (result.status === "unchanged" && result.account.token.refreshToken !== used) {
        decided.delete(id);
        // Re-added or rotated while our refresh was in flight: the new token gets its chance.
        log.info(`Refresh token of ${email} was replaced during a failed refresh; using the new one`, {
          account: id,
        });
        entry.account = result.account;
        return result.account;
      }
      log.error(`Token refresh failed (${email}): ${reason}, trying next account`, { account: id });
      entry.account = result.status === "missing" ? markDisabled(entry.account, reason, at) : result.account;
      if (result.status === "updated") {
        log.warn(`Disabling account due to invalid_grant (${email}): refresh_token likely revoked/expired`, {
          account: id,
        });
        notify(observer, "accountDisabled", {
          accountId: id,
          email,
          store: store.kind,
          reason: "invalid_grant",
          detail: entry.account.disabledReason ?? reason,
        });
      }
      deps.onDisabled(entry);
      return undefined;
    },
  };
}
