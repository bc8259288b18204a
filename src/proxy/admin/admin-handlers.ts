/**
 * What each admin route does, as functions from a request's checked inputs to a reply. Every
 * change is written to the store first and then applied to the pool at once, so a running proxy
 * acts on it before the store's own change event arrives (that event is then a no-op).
 */
import type { Account } from "../../accounts/account.ts";
import { clearProxyDisabled, markProxyDisabled } from "../../accounts/account-transitions.ts";
import { describeRejection } from "../../accounts/token-failure.ts";
import { redact } from "../../log/redact.ts";
import type { PoolAccountView } from "../../pool/account-pool.ts";
import { type EnrollError, type EnrollOutcome, enrollRefreshToken } from "../../pool/enroll-account.ts";
import { findAccount } from "../../stores/find-account.ts";
import { unixSeconds } from "../../time/clock.ts";
import { NO_QUOTA_SOURCE } from "../upstream/upstream-profile.ts";
import {
  type AdminAccount,
  adminAccountView,
  adminPoolSummary,
  poolMemberStatus,
} from "./admin-account-view.ts";
import type { AdminDeps } from "./admin-deps.ts";
import { adminError, adminJson, adminNoContent } from "./admin-replies.ts";

/** The reason `disable` records when the caller gives none, as `grantpool accounts disable` does. */
export const MANUAL_REASON = "manual";

const ENROLL_VERB: Record<EnrollOutcome, string> = {
  created: "added",
  updated: "updated",
  recovered: "recovered",
};

/** Log lines read "Admin: enabled …"; replies carry the same words as a sentence. */
function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function notFound(idOrEmail: string): Response {
  return adminError(404, "NOT_FOUND", `No account with id or email "${redact(idOrEmail)}"`);
}

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

function rejectionReply(error: EnrollError): Response {
  const message = describeRejection(error.failure);
  switch (error.failure.kind) {
    case "invalid_grant":
      return adminError(422, "INVALID_ARGUMENT", `${message}; nothing was written`);
    case "config":
      return adminError(502, "FAILED_PRECONDITION", `${message}; nothing was written`);
    case "transient":
      return adminError(503, "UNAVAILABLE", `${message}; nothing was written`);
  }
}

/** `POST /admin/accounts`: the rules of `grantpool accounts add` (SPEC §5.6). */
export async function addAccount(deps: AdminDeps, refreshToken: string): Promise<Response> {
  let enrolled: Awaited<ReturnType<typeof enrollRefreshToken>>;
  try {
    enrolled = await enrollRefreshToken(deps.enroll, refreshToken);
  } catch (cause) {
    const message = `Cannot store the account: ${redact((cause as Error).message)}`;
    deps.log.error(`Admin: ${message}`);
    return adminError(500, "INTERNAL", message);
  }
  if (!enrolled.ok) {
    deps.log.warn(`Admin: refused a refresh token: ${describeRejection(enrolled.error.failure)}`);
    return rejectionReply(enrolled.error);
  }
  const { outcome, account } = enrolled.value;
  deps.pool.apply({ type: "upsert", account });
  let message = `${ENROLL_VERB[outcome]} ${account.email} (id ${account.id})`;
  if (account.proxyDisabled) {
    message += `; still proxy-disabled (${account.proxyDisabledReason ?? "proxy_disabled"}): POST /admin/accounts/${account.id}/enable returns it to the proxy`;
  }
  deps.log.info(`Admin: ${message}`, { account: account.id, outcome });
  return adminJson(outcome === "created" ? 201 : 200, {
    outcome,
    account: viewAfterWrite(deps, account),
    message: sentence(message),
  });
}

export type ProxyDisableAction =
  | { readonly kind: "enable" }
  | { readonly kind: "disable"; readonly reason: string };

/** `POST /admin/accounts/{id}/enable|disable`: clears or sets proxy_disabled, never `disabled`. */
export async function setProxyDisabled(
  deps: AdminDeps,
  idOrEmail: string,
  action: ProxyDisableAction,
): Promise<Response> {
  const found = await findAccount(deps.store, idOrEmail);
  if (found === undefined) return notFound(idOrEmail);
  const now = unixSeconds(deps.clock);
  const result = await deps.store.update(found.id, (current) => {
    if (action.kind === "disable") {
      // An account already out keeps the reason it was taken out for first.
      return current.proxyDisabled ? undefined : markProxyDisabled(current, action.reason, now);
    }
    return current.proxyDisabled ? clearProxyDisabled(current) : undefined;
  });
  if (result.status === "missing") return notFound(idOrEmail);
  const { account } = result;
  const changed = result.status === "updated";
  const verb = action.kind === "disable" ? "proxy-disabled" : "enabled";
  let message = `${verb} ${account.email} (id ${account.id})${changed ? "" : " (no change)"}`;
  if (account.disabled) {
    message += `; its credentials are still dead (${account.disabledReason ?? "disabled"}): POST a new refresh token to /admin/accounts to recover it`;
  }
  if (changed) {
    deps.pool.apply({ type: "upsert", account });
    deps.log.info(`Admin: ${message}`, { account: account.id });
  }
  return adminJson(200, { account: viewAfterWrite(deps, account), changed, message: sentence(message) });
}

/** `DELETE /admin/accounts/{id}`. */
export async function removeAccount(deps: AdminDeps, idOrEmail: string): Promise<Response> {
  const found = await findAccount(deps.store, idOrEmail);
  if (found === undefined || !(await deps.store.remove(found.id))) return notFound(idOrEmail);
  deps.pool.apply({ type: "remove", id: found.id });
  deps.log.info(`Admin: removed ${found.email} (id ${found.id})`, { account: found.id });
  return adminNoContent();
}

/** `POST /admin/accounts/{id}/quota`: fetches the account's quota now (as `grantpool accounts quota`). */
export async function fetchQuota(deps: AdminDeps, idOrEmail: string): Promise<Response> {
  if (deps.quota === undefined) {
    return adminError(409, "FAILED_PRECONDITION", NO_QUOTA_SOURCE);
  }
  const found = await findAccount(deps.store, idOrEmail);
  if (found === undefined) return notFound(idOrEmail);
  const fetched = await deps.quota.refresh(found.id);
  if (!fetched.ok) {
    return adminError(
      502,
      "UNAVAILABLE",
      `Google did not tell ${found.email}'s quota: ${redact(fetched.error)}`,
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
