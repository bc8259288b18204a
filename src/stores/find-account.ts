/** Finds an account by id or by email (any case), as people name accounts on the CLI and the admin API. */
import type { Account } from "../accounts/account.ts";
import { sameEmail } from "../accounts/account.ts";
import type { AccountStore } from "./account-store.ts";

export async function findAccount(store: AccountStore, idOrEmail: string): Promise<Account | undefined> {
  const byId = await store.get(idOrEmail);
  if (byId !== undefined) return byId;
  return (await store.list()).find((account) => sameEmail(account.email, idOrEmail));
}
