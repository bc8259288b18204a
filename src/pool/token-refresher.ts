/**
 * Keeps access tokens fresh: one refresh per account at a time (single flight), the new token
 * persisted, and the token-endpoint rows of SPEC §5.4 applied — invalid_grant disables the account
 * persistently (§5.5) unless the stored token was replaced meanwhile, transient errors cool it down,
 * configuration errors disable nothing. Upstream 401s come in waves (every request in flight with
 * the dead access token); a wave gets one refresh, and a disabled account is never refreshed again.
 */
import { SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import type { Account } from "../accounts/account.ts";
import { describeClientProblem, describeTokenFailure, type TokenFailure } from "../accounts/token-failure.ts";
import type { Logger } from "../log/logger.ts";
import type { Throttle } from "../log/throttle.ts";
import type { GoogleOAuthClient, TokenGrant } from "../oauth/google-oauth-client.ts";
import { err, ok, type Result } from "../result.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { type Clock, unixSeconds } from "../time/clock.ts";
import { createInvalidGrantDisabler } from "./disable-on-invalid-grant.ts";
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
  /** Called once this process disabled the account. */
  readonly onDisabled: (entry: PoolEntry) => void;
}

export type Freshness = Result<Account, TokenFailure>;

export interface TokenRefresher {
  /** The account with an access token valid for at least the skew; refreshes when needed. */
  ensureFresh(entry: PoolEntry): Promise<Freshness>;
  /**
   * Refreshes even though the token looks valid (upstream said 401): once per rejected access
   * token. A token already replaced gets the current one; one whose refresh failed gets that failure.
   */
  refreshAfterRejection(entry: PoolEntry, rejectedAccessToken: string): Promise<Freshness>;
  /** True when `account` is disabled by this process's own decision (its store event is an echo). */
  isOwnDisable(account: Account): boolean;
}

/** The last refresh of an account that ended: the access token it was to replace, and its failure. */
interface SettledRefresh {
  readonly replaced: string;
  readonly failure: TokenFailure | undefined;
}

/** A stale copy of an account may hand us a refresh token that was already replaced; try the new one once. */
const MAX_TOKEN_REPLACEMENTS = 1;

export function createTokenRefresher(deps: TokenRefresherDeps): TokenRefresher {
  const { store, oauth, clock, log, observer } = deps;
  const disabler = createInvalidGrantDisabler(deps);
  const settled = new WeakMap<PoolEntry, SettledRefresh>();

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

  const onFailure = async (
    entry: PoolEntry,
    used: string,
    failure: TokenFailure,
  ): Promise<Account | undefined> => {
    const email = entry.account.email;
    if (failure.kind === "invalid_grant") return disabler.disable(entry, used, failure);
    if (failure.kind === "transient") {
      const block = entry.health.recordTransientFailure(clock.now(), failure.code);
      const seconds = Math.round((block.until - clock.now()) / 1000);
      log.error(
        `Token refresh failed (${email}): ${describeTokenFailure(failure)}, cooling down for ${seconds}s, trying next account`,
        { account: entry.account.id },
      );
    } else if (deps.configErrorThrottle(`oauth-config:${failure.code}`)) {
      log.error(
        `${describeClientProblem(failure)}: check GRANTPOOL_OAUTH_CLIENT_ID and GRANTPOOL_OAUTH_CLIENT_SECRET; no account is disabled`,
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
    const gone = disabledFailure(entry.account);
    if (gone !== undefined) return Promise.resolve(err(gone));
    const replaced = entry.account.token.accessToken;
    const flight = tracedRefresh(entry)
      .then((fresh) => {
        settled.set(entry, { replaced, failure: fresh.ok ? undefined : fresh.error });
        return fresh;
      })
      .finally(() => {
        entry.refreshing = undefined;
      });
    entry.refreshing = flight;
    return flight;
  };

  /** The failure of the refresh that was to replace the current access token, if that is how it ended. */
  const failedRenewal = (entry: PoolEntry): TokenFailure | undefined => {
    const last = settled.get(entry);
    return last?.replaced === entry.account.token.accessToken ? last.failure : undefined;
  };

  const ensureFresh = (entry: PoolEntry): Promise<Freshness> => {
    if (entry.refreshing !== undefined) return entry.refreshing;
    const gone = disabledFailure(entry.account);
    if (gone !== undefined) return Promise.resolve(err(gone));
    // A token whose renewal failed (say after a 401) is not used again, whatever its expiry says.
    return needsRefresh(entry.account) || failedRenewal(entry) !== undefined
      ? singleFlight(entry)
      : Promise.resolve(ok(entry.account));
  };

  return {
    ensureFresh,
    refreshAfterRejection(entry, rejectedAccessToken) {
      if (entry.refreshing !== undefined) return entry.refreshing;
      const gone = disabledFailure(entry.account);
      if (gone !== undefined) return Promise.resolve(err(gone));
      // The current token's refresh already failed: later rejections of the wave share that failure.
      const failure = failedRenewal(entry);
      if (failure !== undefined) return Promise.resolve(err(failure));
      // Replaced since this request sent it (or refreshed already): the current token is the answer.
      const current = entry.account.token.accessToken;
      if (current !== rejectedAccessToken || settled.get(entry)?.replaced === rejectedAccessToken) {
        return ensureFresh(entry);
      }
      return singleFlight(entry);
    },
    isOwnDisable: (account) => disabler.isOwnDisable(account),
  };
}

/** Why a disabled account is not refreshed: it stays out until its token is replaced (SPEC §5.6). */
function disabledFailure(account: Account): TokenFailure | undefined {
  if (!account.disabled) return undefined;
  return {
    kind: "invalid_grant",
    code: "disabled",
    description: account.disabledReason ?? "account disabled",
  };
}
