/** `grantpool accounts list [--json]`: every stored account and its state; never a token. */
import type { Account } from "../accounts/account.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { type CliContext, EXIT_OK } from "./cli-context.ts";

export type StoredState = "active" | "disabled" | "proxy_disabled";

export function storedState(account: Account): StoredState {
  if (account.disabled) return "disabled";
  if (account.proxyDisabled) return "proxy_disabled";
  return "active";
}

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
  };
  return Object.fromEntries(Object.entries(view).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean
  >;
}

function table(rows: string[][]): string {
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

export async function accountsList(
  ctx: CliContext,
  store: AccountStore,
  options: { json: boolean },
): Promise<number> {
  const accounts = (await store.list()).sort((a, b) => a.email.localeCompare(b.email));
  if (options.json) {
    ctx.out(JSON.stringify(accounts.map(publicAccount), null, 2));
    return EXIT_OK;
  }
  if (accounts.length === 0) {
    ctx.out(
      "No accounts. Add one with `grantpool accounts add --refresh-token-file FILE` or `grantpool accounts login`.",
    );
    return EXIT_OK;
  }
  const rows = accounts.map((a) => [
    a.id,
    a.email,
    storedState(a),
    (a.disabled ? a.disabledReason : a.proxyDisabled ? a.proxyDisabledReason : undefined)?.slice(0, 80) ?? "",
  ]);
  ctx.out(table([["ID", "EMAIL", "STATE", "REASON"], ...rows]));
  return EXIT_OK;
}
