/** `grantpool accounts list [--json]`: every stored account and its state; never a token. */

import type { Account } from "../accounts/account.ts";
import { lowestPercentage, protectedGroups, type QuotaPolicy } from "../accounts/quota.ts";
import { storedState } from "../accounts/stored-state.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { unixSeconds } from "../time/clock.ts";
import { type CliContext, EXIT_OK } from "./cli-context.ts";

/** The account as shown to people and scripts: every field but the credentials. */
export function publicAccount(account: Account): Record<string, string | number | boolean> {
  const view: Record<string, string | number | boolean | undefined> = {
    id: account.id,
    email: account.email,
    name: account.name,
    state: storedState(account),
    disabled: account.disabled,
    disabledAt: account.disabledAt,
    disabledReason: account.disabledReason,
    proxyDisabled: account.proxyDisabled,
    proxyDisabledAt: account.proxyDisabledAt,
    proxyDisabledReason: account.proxyDisabledReason,
    accessTokenExpiresAt: account.token.expiryTimestamp,
    projectId: account.token.projectId,
    createdAt: account.createdAt,
    lastUsed: account.lastUsed,
    quotaLowestPercentage: lowestPercentage(account.quota),
    quotaLastUpdated: account.quota?.lastUpdated,
  };
  return Object.fromEntries(Object.entries(view).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean
  >;
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, col) => cell.padEnd(widths[col] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** "claude until 2026-12-03T20:15:00Z" for each group the account is skipped for now. */
function protectionText(account: Account, policy: QuotaPolicy | undefined, nowSeconds: number): string {
  return [...protectedGroups(account, policy, nowSeconds)]
    .map(([group, until]) =>
      Number.isFinite(until)
        ? `${group} until ${new Date(until * 1000).toISOString()}`
        : `${group} until a fetch`,
    )
    .join(", ");
}

export async function accountsList(
  ctx: CliContext,
  store: AccountStore,
  options: { json: boolean; policy?: QuotaPolicy | undefined },
): Promise<number> {
  const accounts = (await store.list()).sort((a, b) => a.email.localeCompare(b.email));
  const now = unixSeconds(ctx.clock);
  if (options.json) {
    const views = accounts.map((account) => ({
      ...publicAccount(account),
      quotaProtections: [...protectedGroups(account, options.policy, now)].map(([group, until]) =>
        Number.isFinite(until) ? { group, until } : { group },
      ),
    }));
    ctx.out(JSON.stringify(views, null, 2));
    return EXIT_OK;
  }
  if (accounts.length === 0) {
    ctx.out(
      "No accounts. Add one with `grantpool accounts add --refresh-token-file FILE` or `grantpool accounts login`.",
    );
    return EXIT_OK;
  }
  const rows = accounts.map((a) => {
    const lowest = lowestPercentage(a.quota);
    const protection = protectionText(a, options.policy, now);
    const reason = a.disabled ? a.disabledReason : a.proxyDisabled ? a.proxyDisabledReason : undefined;
    return [
      a.id,
      a.email,
      storedState(a),
      lowest === undefined ? "-" : `${lowest}%`,
      reason?.slice(0, 80) ?? (protection === "" ? "" : `quota protection: ${protection}`),
    ];
  });
  ctx.out(table([["ID", "EMAIL", "STATE", "QUOTA", "REASON"], ...rows]));
  return EXIT_OK;
}
