/** Finds an account by id or by email (any case), as people name accounts on the CLI and the admin API. */
import { type Account, sameEmail } from "../accounts/account.ts";
import { err, ok, type Result } from "../result.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { type AccountOperationError, accountNotFound } from "./account-operation-error.ts";

export async function findAccount(
  store: AccountStore,
  idOrEmail: string,
): Promise<Result<Account, AccountOperationError>> {
  const found =
    (await store.get(idOrEmail)) ??
    (await store.list()).find((account) => sameEmail(account.email, idOrEmail));
  return found === undefined ? err(accountNotFound(idOrEmail)) : ok(found);
}
