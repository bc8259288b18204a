/** One account as the pool holds it: the stored account, its temporary health, its refresh in flight. */
import type { Account } from "../accounts/account.ts";
import type { TokenFailure } from "../accounts/token-failure.ts";
import type { Result } from "../result.ts";
import { AccountHealth, type Block } from "./account-health.ts";

/** Where an account stands in the pool, as the admin API, /readyz and the metrics name it. */
export const ACCOUNT_STATES = ["active", "disabled", "proxy_disabled", "cooldown"] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export interface PoolEntry {
  account: Account;
  readonly health: AccountHealth;
  /** The single refresh in flight for this account; every concurrent caller awaits it. */
  refreshing: Promise<Result<Account, TokenFailure>> | undefined;
}

export function createEntry(account: Account): PoolEntry {
  return { account, health: new AccountHealth(), refreshing: undefined };
}

/** Why an account cannot serve a request for `model` now, or "active". Checked in SPEC §5.1's order. */
export function stateOf(entry: PoolEntry, now: number, model?: string): AccountState {
  if (entry.account.disabled) return "disabled";
  if (entry.account.proxyDisabled) return "proxy_disabled";
  if (entry.health.blockAt(now, model) !== undefined) return "cooldown";
  return "active";
}

export function blockOf(entry: PoolEntry, now: number, model?: string): Block | undefined {
  return entry.health.blockAt(now, model);
}

/**
 * The account as the store now reports it, keeping a fresher access token that this process
 * obtained for the same refresh token (the store's copy may lag behind our own write).
 */
export function mergeStored(current: Account, stored: Account): Account {
  const sameCredentials = current.token.refreshToken === stored.token.refreshToken;
  if (sameCredentials && current.token.expiryTimestamp > stored.token.expiryTimestamp) {
    return { ...stored, token: current.token };
  }
  return stored;
}
