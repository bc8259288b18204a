/**
 * Keeps access tokens fresh: one refresh per account at a time (single flight), the new token
 * persisted, and the token-endpoint rows of SPEC §5.4 applied — invalid_grant disables the account
 * persistently (§5.5) unless the stored token was replaced meanwhile, transient errors cool it down,
 * configuration errors disable nothing.
 */
import { SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import type { Account } from "../accounts/account.ts";
import { markDisabled } from "../accounts/account-transitions.ts";
import { describeTokenFailure, type TokenFailure } from "../accounts/token-failure.ts";
import type { Logger } from "../log/logger.ts";
import type { Throttle } from "../log/throttle.ts";
import type { GoogleOAuthClient, TokenGrant } from "../oauth/google-oauth-client.ts";
import { err, ok, type Result } from "../result.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { type Clock, unixSeconds } from "../time/clock.ts";
import type { PoolEntry } from "./pool-entry.ts";
import { notify, type PoolObserver } from "./pool-observer.ts";

export interface TokenRefresherDeps {
  readonly store: AccountStore;
  readonly oauth: GoogleOAuthClient;
  readonly clock: Clock;
  readonly log: Logger;
  readonly observer: PoolObserver;
  /** Each refresh is a span, a child of the request that needed it. */
  readonly tracer: Tracer;
  readonly configErrorThrottle: Throttle;
  readonly refreshSkewSeconds: number;
  /** Called once the account is disabled (by us or, as we learn, by another writer). */
  readonly onDisabled: (entry: PoolEntry) => void;
}

export type Freshness = Result<Account, TokenFailure>;

export interface TokenRefresher {
  /** The account with an access token valid for at least the skew; refreshes when needed. */
  ensureFresh(entry: PoolEntry): Promise<Freshness>;
  /** Refreshes even though the token looks valid (upstream said 401), unless another caller already did. */
  refreshAfterRejection(entry: PoolEntry, rejectedAccessToken: string): Promise<Freshness>;
}

/** A stale copy of an account may hand us a refresh token that was already replaced; try the new one once. */
const MAX_TOKEN_REPLACEMENTS = 1;

export function createTokenRefresher(deps: TokenRefresherDeps): TokenRefresher {
  const { store, oauth, clock, log, observer } = deps;

  const needsRefresh = (account: Account): boolean =>
    account.token.accessToken === "" ||
    account.token.expiryTimestamp - unixSeconds(clock) <= deps.refreshSkewSeconds;

  const persistGrant = async (entry: PoolEntry, used: string, grant: TokenGrant): Promise<void> => {
    const result = await store
      .update(entry.account.id, (current) =>
        current.token.refreshToken === used
          ? {
              ...current,
              token: {
                ...current.token,
                accessToken: grant.accessToken,
                expiresIn: grant.expiresIn,
                expiryTimestamp: grant.expiryTimestamp,
                tokenType: grant.tokenType,
                refreshToken: grant.refreshToken ?? current.token.refreshToken,
              },
            }
          : undefined,
      )
      .catch((cause: unknown) => {
        log.warn(`Cannot save the refreshed token of ${entry.account.email}: ${String(cause)}`, {
          account: entry.account.id,
        });
        return undefined;
      });
    if (result?.status === "updated") entry.account = result.account;
  };

  const disable = async (
    entry: PoolEntry,
    used: string,
    failure: TokenFailure,
  ): Promise<Account | undefined> => {
    const email = entry.account.email;
    const reason = describeTokenFailure(failure);
    const result = await store
      .update(entry.account.id, (current) =>
        current.token.refreshToken === used && !current.disabled
          ? markDisabled(current, reason, unixSeconds(clock))
          : undefined,
      )
      .catch((cause: unknown) => {
        log.error(`Cannot save the disabled state of ${email}: ${String(cause)}`, {
          account: entry.account.id,
        });
        return {
          status: "updated" as const,
          account: markDisabled(entry.account, reason, unixSeconds(clock)),
        };
      });
    if (result.status === "unchanged" && result.account.token.refreshToken !== used) {
      // Re-added or rotated while our refresh was in flight: the new token gets its chance.
      log.info(`Refresh token of ${email} was replaced during a failed refresh; using the new one`, {
        account: entry.account.id,
      });
      entry.account = result.account;
      return result.account;
    }
    log.error(`Token refresh failed (${email}): ${reason}, trying next account`, {
      account: entry.account.id,
    });
    if (result.status === "missing") {
      entry.account = markDisabled(entry.account, reason, unixSeconds(clock));
    } else {
      entry.account = result.account;
    }
    if (result.status === "updated") {
      log.warn(`Disabling account due to invalid_grant (${email}): refresh_token likely revoked/expired`, {
        account: entry.account.id,
      });
      notify(observer, "accountDisabled", {
        accountId: entry.account.id,
        email,
        store: store.kind,
        reason: "invalid_grant",
        detail: entry.account.disabledReason ?? reason,
      });
    }
    deps.onDisabled(entry);
    return undefined;
  };

  const onFailure = async (
    entry: PoolEntry,
    used: string,
    failure: TokenFailure,
  ): Promise<Account | undefined> => {
    const email = entry.account.email;
    if (failure.kind === "invalid_grant") return disable(entry, used, failure);
    if (failure.kind === "transient") {
      const block = entry.health.recordTransientFailure(clock.now(), failure.code);
      const seconds = Math.round((block.until - clock.now()) / 1000);
      log.error(
        `Token refresh failed (${email}): ${describeTokenFailure(failure)}, cooling down for ${seconds}s, trying next account`,
        { account: entry.account.id },
      );
    } else if (deps.configErrorThrottle(`oauth-config:${failure.code}`)) {
      log.error(
        `OAuth client rejected by Google (${describeTokenFailure(failure)}): check GRANTPOOL_OAUTH_CLIENT_ID and GRANTPOOL_OAUTH_CLIENT_SECRET; no account is disabled`,
      );
    }
    return undefined;
  };

  const runRefresh = async (entry: PoolEntry): Promise<Freshness> => {
    for (let replacements = 0; ; replacements++) {
      const used = entry.account.token.refreshToken;
      const started = clock.now();
      const reply = await oauth.refresh(used);
      const seconds = (clock.now() - started) / 1000;
      const outcome = reply.ok ? "success" : reply.error.kind;
      notify(observer, "tokenRefreshed", { accountId: entry.account.id, outcome, seconds });
      if (reply.ok) {
        const grant = reply.value;
        const fresh: Account = {
          ...entry.account,
          token: {
            ...entry.account.token,
            accessToken: grant.accessToken,
            expiresIn: grant.expiresIn,
            expiryTimestamp: grant.expiryTimestamp,
            tokenType: grant.tokenType,
            refreshToken: grant.refreshToken ?? used,
          },
        };
        // If the account was re-added while we refreshed, its new credentials win in memory;
        // this request may still use the access token we just obtained.
        if (entry.account.token.refreshToken === used) entry.account = fresh;
        entry.health.recordRefreshSuccess();
        await persistGrant(entry, used, grant);
        return ok(fresh);
      }
      const replaced = await onFailure(entry, used, reply.error);
      if (replaced === undefined || replacements >= MAX_TOKEN_REPLACEMENTS) return err(reply.error);
    }
  };

  const tracedRefresh = (entry: PoolEntry): Promise<Freshness> =>
    deps.tracer.startActiveSpan(
      "grantpool.token.refresh",
      { kind: SpanKind.CLIENT, attributes: { "grantpool.account.id": entry.account.id } },
      async (span) => {
        try {
          const fresh = await runRefresh(entry);
          span.setAttribute("grantpool.refresh.outcome", fresh.ok ? "success" : fresh.error.kind);
          if (!fresh.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: fresh.error.code });
          return fresh;
        } finally {
          span.end();
        }
      },
    );

  const singleFlight = (entry: PoolEntry): Promise<Freshness> => {
    if (entry.refreshing !== undefined) return entry.refreshing;
    const flight = tracedRefresh(entry).finally(() => {
      entry.refreshing = undefined;
    });
    entry.refreshing = flight;
    return flight;
  };

  return {
    ensureFresh(entry) {
      if (entry.refreshing !== undefined) return entry.refreshing;
      return needsRefresh(entry.account) ? singleFlight(entry) : Promise.resolve(ok(entry.account));
    },
    refreshAfterRejection(entry, rejectedAccessToken) {
      if (entry.refreshing !== undefined) return entry.refreshing;
      if (entry.account.token.accessToken !== rejectedAccessToken) return Promise.resolve(ok(entry.account));
      return singleFlight(entry);
    },
  };
}
