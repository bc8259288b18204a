/**
 * `grantpool accounts enable|disable|remove ID`: ID is an account id or an email (any case).
 * disable/enable set and clear proxy_disabled (reason "manual"); they never touch `disabled`,
 * which only a new token clears.
 */
import type { Account } from "../accounts/account.ts";
import { clearProxyDisabled, markProxyDisabled } from "../accounts/account-transitions.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { findAccount } from "../stores/find-account.ts";
import { type Clock, unixSeconds } from "../time/clock.ts";
import { type CliContext, EXIT_FAILED, EXIT_OK } from "./cli-context.ts";

export type StateAction = "enable" | "disable" | "remove";

function change(action: "enable" | "disable", clock: Clock): (a: Account) => Account | undefined {
  if (action === "disable") {
    return (a) => (a.proxyDisabled ? undefined : markProxyDisabled(a, "manual", unixSeconds(clock)));
  }
  return (a) => (a.proxyDisabled ? clearProxyDisabled(a) : undefined);
}

export async function accountsSetState(
  ctx: CliContext,
  store: AccountStore,
  action: StateAction,
  idOrEmail: string,
): Promise<number> {
  const account = await findAccount(store, idOrEmail);
  if (account === undefined) {
    ctx.err(`grantpool accounts ${action}: no account with id or email "${idOrEmail}"`);
    return EXIT_FAILED;
  }
  if (action === "remove") {
    await store.remove(account.id);
    ctx.out(`Removed ${account.email} (id ${account.id})`);
    return EXIT_OK;
  }
  const result = await store.update(account.id, change(action, ctx.clock));
  if (result.status === "missing") {
    ctx.err(`grantpool accounts ${action}: account ${account.id} disappeared meanwhile`);
    return EXIT_FAILED;
  }
  const verb = action === "disable" ? "Proxy-disabled" : "Enabled";
  const already = result.status === "unchanged" ? " (no change)" : "";
  const stillDead = result.account.disabled
    ? `; its credentials are still dead (${result.account.disabledReason ?? "disabled"}): add a new token to recover it`
    : "";
  ctx.out(`${verb} ${account.email} (id ${account.id})${already}${stillDead}`);
  return EXIT_OK;
}
