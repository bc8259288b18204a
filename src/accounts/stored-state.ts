/** An account's state as the store alone tells it, in the words the CLI and the admin API show. */
import type { Account } from "./account.ts";

export type StoredState = "active" | "disabled" | "proxy_disabled";

/** Dead credentials first, then a person's or protection's proxy_disabled, else active. */
export function storedState(account: Account): StoredState {
  if (account.disabled) return "disabled";
  if (account.proxyDisabled) return "proxy_disabled";
  return "active";
}
