/**
 * Turns a change of the Account model into Kubernetes writes: `disabled` into a status patch (with
 * the resourceVersion read, so a concurrent write — another replica, a recovery — makes it fail
 * with 409 instead of being overwritten) and an Event; `proxyDisabled` into a spec patch; a new
 * refresh token into the Secret. Access tokens stay in memory.
 */
import { isDeepStrictEqual } from "node:util";
import type { Account } from "../../accounts/account.ts";
import type { AccountQuota } from "../../accounts/quota.ts";
import type { AccountResource, SecretResource } from "../../kubernetes/account-resource.ts";
import { DEFAULT_SECRET_KEY } from "../../kubernetes/account-resource.ts";
import { rfc3339, setCondition } from "../../kubernetes/conditions.ts";
import type { KubeApi } from "../../kubernetes/kube-api.ts";
import { secretTokenData } from "../../kubernetes/secret-token.ts";
import { tokenFingerprint } from "../../kubernetes/token-fingerprint.ts";
import type { Clock } from "../../time/clock.ts";
import {
  PROXY_DISABLED_AT_ANNOTATION,
  PROXY_DISABLED_REASON_ANNOTATION,
  quotaStatus,
} from "./account-mapping.ts";

export interface WriteContext {
  readonly api: KubeApi;
  readonly clock: Clock;
  /** Who writes (`proxy`, `operator`), for Events. */
  readonly component: string;
}

export interface Stored {
  readonly resource: AccountResource;
  readonly secret: SecretResource | undefined;
  readonly account: Account;
}

function disabledStatus(stored: Stored, next: Account, now: Date): object {
  const reason = next.disabledReason ?? "invalid_grant";
  return {
    disabled: true,
    disabledAt: rfc3339(new Date((next.disabledAt ?? Math.floor(now.getTime() / 1000)) * 1000)),
    disabledReason: reason,
    // The fingerprint of the token that failed: the operator recovers only when the Secret differs.
    disabledTokenHash: tokenFingerprint(stored.account.token.refreshToken),
    conditions: setCondition(
      stored.resource.status?.conditions,
      { type: "Ready", status: "False", reason: "InvalidGrant", message: reason },
      now,
    ),
  };
}

function recoveredStatus(stored: Stored, now: Date): object {
  return {
    disabled: null,
    disabledAt: null,
    disabledReason: null,
    disabledTokenHash: null,
    conditions: setCondition(
      stored.resource.status?.conditions,
      { type: "Ready", status: "True", reason: "TokenRotated", message: "a new refresh token was stored" },
      now,
    ),
  };
}

async function writeDisabled(ctx: WriteContext, stored: Stored, next: Account, now: Date): Promise<unknown> {
  const { namespace = "default", name, resourceVersion } = stored.resource.metadata;
  const status = next.disabled ? disabledStatus(stored, next, now) : recoveredStatus(stored, now);
  const written = (await ctx.api.patchAccountStatus(namespace, name, {
    metadata: { resourceVersion },
    status,
  })) as {
    metadata?: { uid?: string; resourceVersion?: string };
  };
  const involved = {
    name,
    ...(written.metadata?.uid === undefined ? {} : { uid: written.metadata.uid }),
    ...(written.metadata?.resourceVersion === undefined
      ? {}
      : { resourceVersion: written.metadata.resourceVersion }),
  };
  // The status is what matters; a lost Event is not worth failing the disable for.
  await ctx.api
    .recordEvent({
      namespace,
      involved,
      now,
      component: ctx.component,
      type: next.disabled ? "Warning" : "Normal",
      reason: next.disabled ? "AccountDisabled" : "AccountRecovered",
      message: next.disabled
        ? `Disabled ${next.email}: ${next.disabledReason ?? "invalid_grant"}`
        : `Recovered ${next.email}: a new refresh token was stored`,
    })
    .catch(() => {});
  return written;
}

async function writeProxyDisabled(ctx: WriteContext, stored: Stored, next: Account): Promise<unknown> {
  const { namespace = "default", name, resourceVersion } = stored.resource.metadata;
  const annotations = next.proxyDisabled
    ? {
        [PROXY_DISABLED_REASON_ANNOTATION]: next.proxyDisabledReason ?? "manual",
        [PROXY_DISABLED_AT_ANNOTATION]: rfc3339(
          new Date((next.proxyDisabledAt ?? 0) * 1000 || ctx.clock.now()),
        ),
      }
    : { [PROXY_DISABLED_REASON_ANNOTATION]: null, [PROXY_DISABLED_AT_ANNOTATION]: null };
  return ctx.api.patchAccount(namespace, name, {
    metadata: { resourceVersion, annotations },
    spec: { proxyDisabled: next.proxyDisabled },
  });
}

async function writeRefreshToken(ctx: WriteContext, stored: Stored, next: Account): Promise<unknown> {
  const namespace = stored.resource.metadata.namespace ?? "default";
  const key = stored.resource.spec.secretRef.key ?? DEFAULT_SECRET_KEY;
  return ctx.api.patchSecret(namespace, stored.resource.spec.secretRef.name, {
    data: secretTokenData(next.token.refreshToken, key),
  });
}

/**
 * A new quota into `status.quota`, without the resourceVersion: replicas that fetched the same
 * quota may both write it, and the last one is as right as the first.
 */
async function writeQuota(ctx: WriteContext, stored: Stored, quota: AccountQuota): Promise<unknown> {
  const { namespace = "default", name } = stored.resource.metadata;
  return ctx.api.patchAccountStatus(namespace, name, { status: { quota: quotaStatus(quota) } });
}

/** The objects as the API server returned them after the writes, for the cache (read your writes). */
export interface Written {
  resource?: unknown;
  secret?: unknown;
}

/** Writes what changed between `stored.account` and `next`; throws the API's error (409 included). */
export async function writeAccountChange(ctx: WriteContext, stored: Stored, next: Account): Promise<Written> {
  const before = stored.account;
  const now = new Date(ctx.clock.now());
  const written: Written = {};
  if (next.token.refreshToken !== before.token.refreshToken)
    written.secret = await writeRefreshToken(ctx, stored, next);
  if (next.disabled !== before.disabled || (next.disabled && next.disabledReason !== before.disabledReason)) {
    written.resource = await writeDisabled(ctx, stored, next, now);
  }
  if (
    next.proxyDisabled !== before.proxyDisabled ||
    next.proxyDisabledReason !== before.proxyDisabledReason
  ) {
    // After a status write the resourceVersion moved on: the spec patch must carry the new one.
    const base =
      written.resource === undefined
        ? stored
        : { ...stored, resource: withVersionOf(stored.resource, written.resource) };
    written.resource = await writeProxyDisabled(ctx, base, next);
  }
  if (next.quota !== undefined && !isDeepStrictEqual(next.quota, before.quota))
    written.resource = await writeQuota(ctx, stored, next.quota);
  return written;
}

function withVersionOf(resource: AccountResource, written: unknown): AccountResource {
  const version = (written as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
  return version === undefined
    ? resource
    : { ...resource, metadata: { ...resource.metadata, resourceVersion: version } };
}
