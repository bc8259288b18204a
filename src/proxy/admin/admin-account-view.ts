/**
 * What the admin API shows of an account and of the pool: the stored state joined with the pool's
 * temporary health, times as ISO 8601. Views are built field by field from the model, so a
 * credential cannot slip into a reply when the Account type grows; their shapes are the schemas
 * of admin-view-schemas.ts.
 */

import type { Account } from "../../accounts/account.ts";
import { type AccountQuota, lowestPercentage } from "../../accounts/quota.ts";
import { storedState } from "../../accounts/stored-state.ts";
import type { AccountHealth, Block } from "../../pool/account-health.ts";
import type { PoolAccountView } from "../../pool/account-pool.ts";
import type { AccountState } from "../../pool/pool-entry.ts";
import { explainSummary, type PoolSummary } from "../../pool/pool-summary.ts";
import type {
  AdminAccount,
  AdminCooldown,
  AdminModelCooldown,
  AdminPoolSummary,
  AdminQuota,
  AdminQuotaModel,
  AdminQuotaProtection,
  PoolMemberStatus,
} from "./admin-view-schemas.ts";

/** An ISO time from epoch milliseconds, or undefined when the value cannot be a date (a corrupt file). */
function isoFromMs(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function isoFromSeconds(seconds: number | undefined): string | undefined {
  return seconds === undefined || seconds <= 0 ? undefined : isoFromMs(seconds * 1000);
}

/** Drops the members whose value is undefined, as exactOptionalPropertyTypes wants. */
function definedOnly<T extends object>(view: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(view).filter(([, value]) => value !== undefined)) as T;
}

function cooldownView(block: Block): AdminCooldown {
  return definedOnly<AdminCooldown>({
    until: isoFromMs(block.until) ?? "",
    reason: block.reason,
    detail: block.detail,
  });
}

function modelCooldowns(health: AccountHealth | undefined, now: number): AdminModelCooldown[] {
  if (health === undefined) return [];
  return [...health.modelBlocksAt(now)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([model, block]) => ({ model, ...cooldownView(block) }));
}

function quotaView(quota: AccountQuota | undefined): AdminQuota | undefined {
  if (quota === undefined) return undefined;
  return definedOnly<AdminQuota>({
    models: quota.models.map((model) =>
      definedOnly<AdminQuotaModel>({
        name: model.name,
        percentage: model.percentage,
        resetTime: model.resetTime,
      }),
    ),
    lastUpdated: isoFromSeconds(quota.lastUpdated),
    isForbidden: quota.isForbidden,
    subscriptionTier: quota.subscriptionTier,
    lowestPercentage: lowestPercentage(quota),
  });
}

function protectionViews(protections: ReadonlyMap<string, Block> | undefined): AdminQuotaProtection[] {
  return [...(protections ?? [])]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, block]) => definedOnly<AdminQuotaProtection>({ group, until: isoFromMs(block.until) }));
}

/** The stored state, or `cooldown` for an active account the pool holds back now. */
function stateOfStored(account: Account, block: Block | undefined): AccountState {
  const stored = storedState(account);
  return stored === "active" && block !== undefined ? "cooldown" : stored;
}

/**
 * The account as stored, with the pool's health (undefined when the pool does not hold it).
 * `accessTokenExpiry` may come from the pool, which can hold a fresher token than the store.
 */
export function adminAccountView(
  account: Account,
  health: AccountHealth | undefined,
  now: number,
  accessTokenExpiry = account.token.expiryTimestamp,
  protections?: ReadonlyMap<string, Block>,
): AdminAccount {
  const block = health?.accountBlockAt(now);
  return definedOnly<AdminAccount>({
    id: account.id,
    email: account.email,
    name: account.name,
    state: stateOfStored(account, block),
    disabled: account.disabled,
    disabledAt: isoFromSeconds(account.disabledAt),
    disabledReason: account.disabledReason,
    proxyDisabled: account.proxyDisabled,
    proxyDisabledAt: isoFromSeconds(account.proxyDisabledAt),
    proxyDisabledReason: account.proxyDisabledReason,
    cooldown: block === undefined ? undefined : cooldownView(block),
    modelCooldowns: modelCooldowns(health, now),
    quota: quotaView(account.quota),
    quotaProtections: protectionViews(protections),
    accessTokenExpiresAt: isoFromSeconds(accessTokenExpiry),
    projectId: account.token.projectId,
    createdAt: isoFromSeconds(account.createdAt),
    lastUsed: isoFromSeconds(account.lastUsed),
    inPool: health !== undefined,
  });
}

/** Why a pool member is out, in the order the pool checks it (SPEC §5.1). */
export function poolMemberStatus(member: PoolAccountView, now: number): PoolMemberStatus {
  const { account, state, health } = member;
  const base = {
    id: account.id,
    email: account.email,
    state,
    modelCooldowns: modelCooldowns(health, now),
    quotaProtections: protectionViews(member.protections),
  };
  switch (state) {
    case "disabled":
      return definedOnly<PoolMemberStatus>({
        ...base,
        reason: account.disabledReason ?? "disabled",
        since: isoFromSeconds(account.disabledAt),
      });
    case "proxy_disabled":
      return definedOnly<PoolMemberStatus>({
        ...base,
        reason: account.proxyDisabledReason ?? "proxy_disabled",
        since: isoFromSeconds(account.proxyDisabledAt),
      });
    case "cooldown": {
      const block = health.accountBlockAt(now);
      return block === undefined
        ? base
        : definedOnly<PoolMemberStatus>({
            ...base,
            reason: block.reason,
            until: isoFromMs(block.until),
            detail: block.detail,
          });
    }
    case "active":
      return base;
  }
}

export function adminPoolSummary(summary: PoolSummary): AdminPoolSummary {
  return definedOnly<AdminPoolSummary>({
    total: summary.total,
    active: summary.active,
    disabled: summary.disabled,
    proxyDisabled: summary.proxyDisabled,
    coolingDown: summary.coolingDown,
    earliestRetryAt: isoFromMs(summary.earliestRetryAt),
    explanation: explainSummary(summary),
  });
}
