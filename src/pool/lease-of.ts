/** What a token refresh means for the request that asked for the account: a lease, or why none. */
import type { Account } from "../accounts/account.ts";
import type { TokenFailure } from "../accounts/token-failure.ts";
import { err, ok, type Result } from "../result.ts";
import type { AcquireFailure, Lease } from "./account-pool.ts";

/** A lease on the account `accountId` as `fresh` left it; a failed refresh is the account's, unless the OAuth client is at fault. */
export function leaseOf(
  accountId: string,
  fresh: Result<Account, TokenFailure>,
): Result<Lease, AcquireFailure> {
  if (!fresh.ok) {
    const failure = fresh.error;
    return err(
      failure.kind === "config"
        ? { kind: "config", failure }
        : { kind: "refresh_failed", accountId, failure },
    );
  }
  const { id, email, token } = fresh.value;
  const lease: Lease = { accountId: id, email, accessToken: token.accessToken };
  return ok(token.projectId === undefined ? lease : { ...lease, projectId: token.projectId });
}
