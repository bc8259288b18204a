/** A lease: an account handed to one request attempt with a fresh token, or why there is none. */
import type { Account } from "../accounts/account.ts";
import type { TokenFailure } from "../accounts/token-failure.ts";
import { err, ok, type Result } from "../result.ts";
import type { PoolSummary } from "./pool-summary.ts";

/** An account handed to one request attempt, with an access token valid right now. */
export interface Lease {
  readonly accountId: string;
  readonly email: string;
  readonly accessToken: string;
  readonly projectId?: string;
}

export type AcquireFailure =
  /** This account failed to refresh (it is now disabled or cooling down): try the next one. */
  | { readonly kind: "refresh_failed"; readonly accountId: string; readonly failure: TokenFailure }
  /** The OAuth client is misconfigured: no account can work, stop trying. */
  | { readonly kind: "config"; readonly failure: TokenFailure }
  | { readonly kind: "no_available_account"; readonly summary: PoolSummary };

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
