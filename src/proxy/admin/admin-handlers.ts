/**
 * What each admin route does, as functions from a request's checked inputs to a reply. Every
 * change is written to the store first and then applied to the pool at once, so a running proxy
 * acts on it before the store's own change event arrives (that event is then a no-op).
 */
import {
  describeEnrolled,
  describeRemoved,
  describeStateChange,
  type NextSteps,
  sentence,
} from "../../account-operations/account-messages.ts";
import {
  changeAccountState,
  removeAccount as removeStoredAccount,
  type StateAction,
} from "../../account-operations/change-account-state.ts";
import { enrollRefreshToken } from "../../account-operations/enroll-account.ts";
import { findAccount } from "../../account-operations/find-account.ts";
import type { Account } from "../../accounts/account.ts";
import { redact } from "../../log/redact.ts";
import type { PoolAccountView } from "../../pool/account-pool.ts";
import { NO_QUOTA_SOURCE } from "../upstream/upstream-profile.ts";
import { adminAccountView, adminPoolSummary, poolMemberStatus } from "./admin-account-view.ts";
import type { AdminDeps } from "./admin-deps.ts";
import { adminError, adminJson, adminNoContent, operationErrorReply } from "./admin-replies.ts";
import type { AdminAccount } from "./admin-view-schemas.ts";

/** The next steps the admin API's messages name: its own routes. */
const ADMIN_NEXT_STEPS: NextSteps = {
  enable: (account) => `POST /admin/accounts/${account.id}/enable returns it to the proxy`,
  recover: "POST a new refresh token to /admin/accounts to recover it",
};

/** The public view of a stored account, with what the pool knows of its health now. */
function viewWithPool(account: Account, member: PoolAccountView | undefined, now: number): AdminAccount {
  // The pool may hold a fresher access token than the store's copy.
  const expiry = Math.max(account.token.expiryTimestamp, member?.account.token.expiryTimestamp ?? 0);
  return adminAccountView(account, member?.health, now, expiry, member?.protections);
}

/** The view of an account this request just wrote (and applied to the pool). */
function viewAfterWrite(deps: AdminDeps, account: Account): AdminAccount {
  const member = deps.pool.view().find((candidate) => candidate.account.id === account.id);
  return viewWithPool(account, member, deps.clock.now());
}

export async function listAccounts(deps: AdminDeps): Promise<Response> {
  const stored = await deps.store.list();
  const now = deps.clock.now();
  const pooled = new Map(deps.pool.view().map((member) => [member.account.id, member]));
  const accounts = stored
    .sort((a, b) => a.email.localeCompare(b.email) || a.id.localeCompare(b.id))
    .map((account) => viewWithPool(account, pooled.get(account.id), now));
  return adminJson(200, { accounts });
}

/** `POST /admin/accounts`: the rules of `grantpool accounts add` (SPEC §5.6). */
export async function addAccount(deps: AdminDeps, refreshToken: string): Promise<Response> {
  const enrolled = await enrollRefreshToken(deps.enroll, refreshToken);
  if (!enrolled.ok) return operationErrorReply(enrolled.error, deps.log);
  const { outcome, account } = enrolled.value;
  deps.pool.apply({ type: "upsert", account });
  const message = describeEnrolled(enrolled.value, ADMIN_NEXT_STEPS);
  deps.log.info(`Admin: ${message}`, { account: account.id, outcome });
  return adminJson(outcome === "created" ? 201 : 200, {
    outcome,
    account: viewAfterWrite(deps, account),
    message: sentence(message),
  });
}

/** `POST /admin/accounts/{id}/enable|disable`: clears or sets proxy_disabled, never `disabled`. */
export async function setProxyDisabled(
  deps: AdminDeps,
  idOrEmail: string,
  action: StateAction,
  reason?: string,
): Promise<Response> {
  const result = await changeAccountState(deps, idOrEmail, action, reason);
  if (!result.ok) return operationErrorReply(result.error, deps.log);
  const { account, changed } = result.value;
  const message = describeStateChange(result.value, ADMIN_NEXT_STEPS);
  if (changed) {
    deps.pool.apply({ type: "upsert", account });
    deps.log.info(`Admin: ${message}`, { account: account.id });
  }
  return adminJson(200, { account: viewAfterWrite(deps, account), changed, message: sentence(message) });
}

/** `DELETE /admin/accounts/{id}`. */
export async function removeAccount(deps: AdminDeps, idOrEmail: string): Promise<Response> {
  const removed = await removeStoredAccount(deps.store, idOrEmail);
  if (!removed.ok) return operationErrorReply(removed.error, deps.log);
  deps.pool.apply({ type: "remove", id: removed.value.id });
  deps.log.info(`Admin: ${describeRemoved(removed.value)}`, { account: removed.value.id });
  return adminNoContent();
}

/** `POST /admin/accounts/{id}/quota`: fetches the account's quota now (as `grantpool accounts quota`). */
export async function fetchQuota(deps: AdminDeps, idOrEmail: string): Promise<Response> {
  if (deps.quota === undefined) {
    return adminError(409, "FAILED_PRECONDITION", NO_QUOTA_SOURCE);
  }
  const found = await findAccount(deps.store, idOrEmail);
  if (!found.ok) return operationErrorReply(found.error, deps.log);
  const fetched = await deps.quota.refresh(found.value.id);
  if (!fetched.ok) {
    return adminError(
      502,
      "UNAVAILABLE",
      `Google did not tell ${found.value.email}'s quota: ${redact(fetched.error)}`,
    );
  }
  return adminJson(200, { account: viewAfterWrite(deps, fetched.value) });
}

/** `GET /admin/pool`: what the pool holds now, and why each account that cannot serve is out. */
export function describePool(deps: AdminDeps): Response {
  const now = deps.clock.now();
  return adminJson(200, {
    summary: adminPoolSummary(deps.pool.summary()),
    accounts: deps.pool.view().map((member) => poolMemberStatus(member, now)),
    modelMap: deps.modelMap?.entries ?? [],
  });
}

/** `POST /admin/reload`: re-reads the whole store, for changes whose events were missed. */
export async function reloadPool(deps: AdminDeps): Promise<Response> {
  await deps.pool.reload();
  const summary = adminPoolSummary(deps.pool.summary());
  deps.log.info(`Admin: reloaded the pool from the store: ${summary.explanation}`);
  return adminJson(200, { summary });
}
