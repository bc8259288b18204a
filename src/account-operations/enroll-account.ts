/**
 * Adding or replacing an account's credentials (SPEC §5.6): the refresh token is verified with one
 * refresh, the identity comes from userinfo, and the account is upserted by email
 * (case-insensitive). A disabled account whose token changed is re-enabled; a token Google rejects
 * is refused and nothing is written.
 */
import type { Account, AccountToken } from "../accounts/account.ts";
import { replaceToken } from "../accounts/account-transitions.ts";
import type { GoogleOAuthClient, TokenGrant } from "../oauth/google-oauth-client.ts";
import { err, ok, type Result } from "../result.ts";
import type { AccountStore, UpsertResult } from "../stores/account-store.ts";
import { type Clock, unixSeconds } from "../time/clock.ts";
import { type AccountOperationError, storeFailed, tokenRejected } from "./account-operation-error.ts";

export type EnrollOutcome = "created" | "updated" | "recovered";

export interface Enrolled {
  readonly outcome: EnrollOutcome;
  readonly account: Account;
}

/** What every account operation needs; enrolling uses all of it, the state changes the store and clock. */
export interface EnrollDeps {
  readonly oauth: GoogleOAuthClient;
  readonly store: AccountStore;
  readonly clock: Clock;
  readonly newId: () => string;
}

export type EnrollResult = Result<Enrolled, AccountOperationError>;

/** Verifies a refresh token with one refresh and upserts the account it belongs to. */
export async function enrollRefreshToken(deps: EnrollDeps, refreshToken: string): Promise<EnrollResult> {
  const grant = await deps.oauth.refresh(refreshToken);
  if (!grant.ok) return err(tokenRejected(grant.error));
  return enrollGrant(deps, { ...grant.value, refreshToken: grant.value.refreshToken ?? refreshToken });
}

/** Upserts the account behind an already-obtained grant (the login flow's code exchange). */
export async function enrollGrant(
  deps: EnrollDeps,
  grant: TokenGrant & { readonly refreshToken: string },
): Promise<EnrollResult> {
  const identity = await deps.oauth.userinfo(grant.accessToken);
  if (!identity.ok) return err(tokenRejected(identity.error));
  const { email, name } = identity.value;
  const token: AccountToken = {
    accessToken: grant.accessToken,
    refreshToken: grant.refreshToken,
    expiresIn: grant.expiresIn,
    expiryTimestamp: grant.expiryTimestamp,
    tokenType: grant.tokenType,
    email,
  };
  try {
    const result = await deps.store.upsertByEmail(email, (existing) =>
      existing === undefined ? newAccount(deps, email, token, name) : replaceToken(existing, token, name),
    );
    return ok({ outcome: outcomeOf(result), account: result.account });
  } catch (cause) {
    return err(storeFailed(cause));
  }
}

function newAccount(deps: EnrollDeps, email: string, token: AccountToken, name: string | undefined): Account {
  const now = unixSeconds(deps.clock);
  const fresh: Account = {
    id: deps.newId(),
    email,
    token,
    disabled: false,
    proxyDisabled: false,
    createdAt: now,
    // Antigravity-Manager requires last_used to read the file.
    lastUsed: now,
  };
  return name === undefined ? fresh : { ...fresh, name };
}

function outcomeOf(result: UpsertResult): EnrollOutcome {
  if (result.status === "created") return "created";
  return result.previous?.disabled === true && !result.account.disabled ? "recovered" : "updated";
}
