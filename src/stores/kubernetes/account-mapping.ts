/**
 * An Account resource plus its Secret's token, seen as the pool's Account model. The id is
 * "<namespace>/<name>". Access tokens never go to the API server: each replica keeps its own in
 * memory (the overlay), valid only while the Secret still holds the refresh token it came from.
 */
import type { Account, AccountToken } from "../../accounts/account.ts";
import { type AccountQuota, lowestPercentage, modelQuota } from "../../accounts/quota.ts";
import { objectId } from "../../kubernetes/account-id.ts";
import type { AccountResource, QuotaStatus } from "../../kubernetes/account-resource.ts";

export const PROXY_DISABLED_REASON_ANNOTATION = "grantpool.io/proxy-disabled-reason";
export const PROXY_DISABLED_AT_ANNOTATION = "grantpool.io/proxy-disabled-at";

export interface TokenOverlay {
  readonly refreshToken: string;
  readonly token: AccountToken;
}

function seconds(time: unknown): number | undefined {
  const ms = time instanceof Date ? time.getTime() : typeof time === "string" ? Date.parse(time) : Number.NaN;
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** The email people know the account by: the verified one, else the declared one, else its name. */
export function emailOf(resource: AccountResource): string {
  return resource.status?.email ?? resource.spec.email ?? resource.metadata.name;
}

export function toAccount(
  resource: AccountResource,
  refreshToken: string,
  overlay: TokenOverlay | undefined,
): Account {
  const annotations = (resource.metadata as { annotations?: Record<string, string> }).annotations ?? {};
  const token: AccountToken =
    overlay !== undefined && overlay.refreshToken === refreshToken
      ? overlay.token
      : { accessToken: "", refreshToken, expiryTimestamp: 0 };
  const status = resource.status ?? {};
  const disabledAt = seconds(status.disabledAt);
  const proxyDisabledAt = seconds(annotations[PROXY_DISABLED_AT_ANNOTATION]);
  const proxyReason = annotations[PROXY_DISABLED_REASON_ANNOTATION];
  return {
    id: objectId(resource.metadata),
    email: emailOf(resource),
    token,
    disabled: status.disabled === true,
    ...(status.disabled === true && disabledAt !== undefined ? { disabledAt } : {}),
    ...(status.disabled === true && status.disabledReason !== undefined
      ? { disabledReason: status.disabledReason }
      : {}),
    proxyDisabled: resource.spec.proxyDisabled === true,
    ...(resource.spec.proxyDisabled === true && proxyReason !== undefined
      ? { proxyDisabledReason: proxyReason }
      : {}),
    ...(resource.spec.proxyDisabled === true && proxyDisabledAt !== undefined ? { proxyDisabledAt } : {}),
    createdAt: seconds(resource.metadata.creationTimestamp) ?? 0,
    ...(status.quota === undefined ? {} : { quota: quotaOf(status.quota) }),
  };
}

/** `status.quota` as the Account model's quota. */
function quotaOf(status: QuotaStatus): AccountQuota {
  const lastUpdated = seconds(status.lastUpdated);
  return {
    models: (status.models ?? []).map(({ name, remainingPercent, resetTime }) =>
      modelQuota(name, remainingPercent, resetTime),
    ),
    isForbidden: status.forbidden === true,
    ...(lastUpdated === undefined ? {} : { lastUpdated }),
    ...(status.subscriptionTier === undefined ? {} : { subscriptionTier: status.subscriptionTier }),
  };
}

/** A percentage as the CRD wants it: whole, 0–100 (a reference file may hold 87.5). */
function wholePercent(percentage: number): number {
  return Math.min(100, Math.max(0, Math.round(percentage)));
}

/** The model's quota as `status.quota` (percentages whole, as the CRD wants them). */
export function quotaStatus(quota: AccountQuota): QuotaStatus {
  const models = quota.models.map(({ name, percentage, resetTime }) => {
    const remainingPercent = wholePercent(percentage);
    return resetTime === undefined ? { name, remainingPercent } : { name, remainingPercent, resetTime };
  });
  const lowest = lowestPercentage(quota);
  return {
    models,
    forbidden: quota.isForbidden,
    ...(quota.subscriptionTier === undefined
      ? {}
      : { subscriptionTier: quota.subscriptionTier.slice(0, 200) }),
    ...(lowest === undefined ? {} : { lowestRemainingPercent: wholePercent(lowest) }),
    ...(quota.lastUpdated === undefined
      ? {}
      : { lastUpdated: new Date(quota.lastUpdated * 1000).toISOString().replace(/\.\d+Z$/, "Z") }),
  };
}
