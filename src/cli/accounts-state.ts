/**
 * `grantpool accounts enable|disable|remove ID`: ID is an account id or an email (any case). The
 * rules and the words are the account operations'; this only prints them.
 */
import { describeRemoved, describeStateChange, sentence } from "../account-operations/account-messages.ts";
import type { AccountOperationError } from "../account-operations/account-operation-error.ts";
import { changeAccountState, removeAccount } from "../account-operations/change-account-state.ts";
import { ok, type Result } from "../result.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { CLI_NEXT_STEPS, type CliContext, EXIT_FAILED, EXIT_OK } from "./cli-context.ts";

export type StateAction = "enable" | "disable" | "remove";

/** Does `action` and says what it did, in the operations' words. */
async function perform(
  ctx: CliContext,
  store: AccountStore,
  action: StateAction,
  idOrEmail: string,
): Promise<Result<string, AccountOperationError>> {
  if (action === "remove") {
    const removed = await removeAccount(store, idOrEmail);
    return removed.ok ? ok(describeRemoved(removed.value)) : removed;
  }
  const changed = await changeAccountState({ store, clock: ctx.clock }, idOrEmail, action);
  return changed.ok ? ok(describeStateChange(changed.value, CLI_NEXT_STEPS)) : changed;
}

export async function accountsSetState(
  ctx: CliContext,
  store: AccountStore,
  action: StateAction,
  idOrEmail: string,
): Promise<number> {
  const done = await perform(ctx, store, action, idOrEmail);
  if (!done.ok) {
    ctx.err(`grantpool accounts ${action}: ${done.error.message}`);
    return EXIT_FAILED;
  }
  ctx.out(sentence(done.value));
  return EXIT_OK;
}
