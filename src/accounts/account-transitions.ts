/** The state changes of an account, as pure functions over the model (SPEC §5.5, §5.6). */
import type { Account, AccountToken } from "./account.ts";

export const MAX_REASON_LENGTH = 800;

/** Cuts a reason to at most 800 characters, ending in "..." when cut. */
export function truncateReason(reason: string, max = MAX_REASON_LENGTH): string {
  if (reason.length <= max) return reason;
  return `${reason.slice(0, max - 3)}...`;
}

export function markDisabled(account: Account, reason: string, nowSeconds: number): Account {
  return { ...account, disabled: true, disabledAt: nowSeconds, disabledReason: truncateReason(reason) };
}

export function clearDisabled(account: Account): Account {
  const { disabledAt: _at, disabledReason: _reason, ...rest } = account;
  return { ...rest, disabled: false };
}

export function markProxyDisabled(account: Account, reason: string, nowSeconds: number): Account {
  return {
    ...account,
    proxyDisabled: true,
    proxyDisabledAt: nowSeconds,
    proxyDisabledReason: truncateReason(reason),
  };
}

/**
 * `account` taken out of the proxy for `reason`, or undefined when it already is out: an account
 * keeps the reason it was first taken out for.
 */
export function proxyDisableOnce(account: Account, reason: string, nowSeconds: number): Account | undefined {
  return account.proxyDisabled ? undefined : markProxyDisabled(account, reason, nowSeconds);
}

export function clearProxyDisabled(account: Account): Account {
  const { proxyDisabledAt: _at, proxyDisabledReason: _reason, ...rest } = account;
  return { ...rest, proxyDisabled: false };
}

function tokenChanged(before: AccountToken, after: AccountToken): boolean {
  return before.refreshToken !== after.refreshToken || before.accessToken !== after.accessToken;
}

/**
 * Gives an existing account a new (already verified) token. A disabled account whose refresh or
 * access token changed is re-enabled; `proxyDisabled` is left alone (SPEC §5.6).
 */
export function replaceToken(account: Account, token: AccountToken, name?: string): Account {
  const renamed = name === undefined ? account : { ...account, name };
  const updated: Account = { ...renamed, token: { ...account.token, ...token } };
  return account.disabled && tokenChanged(account.token, token) ? clearDisabled(updated) : updated;
}
