/**
 * Enabling, disabling and removing an account named by id or email (SPEC §5.6, §7). Disable and
 * enable set and clear proxy_disabled only; `disabled` (dead credentials) clears only with a new
 * token. An account already out keeps the reason it was first taken out for.
 */
import type { Account } from "../accounts/account.ts";
import { clearProxyDisabled, proxyDisableOnce } from "../accounts/account-transitions.ts";
import { err, ok, type Result } from "../result.ts";
import type { AccountChange, AccountStore } from "../stores/account-store.ts";
import { type Clock, unixSeconds } from "../time/clock.ts";
import { type AccountOperationError, accountNotFound } from "./account-operation-error.ts";
import { findAccount } from "./find-account.ts";

/** The reason `disable` records when the caller gives none. */
const MANUAL_REASON = "manual";

export type StateAction = "enable" | "disable";

export interface StateChanged {
  readonly action: StateAction;
  /** The account after the change (or as it was, when nothing changed). */
  readonly account: Account;
  /** False when the account already was in that state. */
  readonly changed: boolean;
}

export interface StateChangeDeps {
  readonly store: AccountStore;
  readonly clock: Clock;
}

function change(action: StateAction, reason: string, nowSeconds: number): AccountChange {
  if (action === "disable") return (current) => proxyDisableOnce(current, reason, nowSeconds);
  return (current) => (current.proxyDisabled ? clearProxyDisabled(current) : undefined);
}

/**
 * Returns an account to the proxy (enable: clears proxy_disabled) or takes it out (disable: sets
 * proxy_disabled with `reason`, "manual" when none is given).
 */
export async function changeAccountState(
  deps: StateChangeDeps,
  idOrEmail: string,
  action: StateAction,
  reason = MANUAL_REASON,
): Promise<Result<StateChanged, AccountOperationError>> {
  const found = await findAccount(deps.store, idOrEmail);
  if (!found.ok) return found;
  const result = await deps.store.update(found.value.id, change(action, reason, unixSeconds(deps.clock)));
  if (result.status === "missing") return err(accountNotFound(idOrEmail));
  return ok({ action, account: result.account, changed: result.status === "updated" });
}

/** Removes an account from the store; the removed account is returned. */
export async function removeAccount(
  store: AccountStore,
  idOrEmail: string,
): Promise<Result<Account, AccountOperationError>> {
  const found = await findAccount(store, idOrEmail);
  if (!found.ok) return found;
  return (await store.remove(found.value.id)) ? found : err(accountNotFound(idOrEmail));
}
