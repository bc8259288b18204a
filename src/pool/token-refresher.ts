/**
 * Keeps access tokens fresh: one refresh per account at a time (single flight), the new token
 * persisted, and the token-endpoint rows of SPEC §5.4 applied — invalid_grant disables the account
 * persistently (§5.5) unless the stored token was replaced meanwhile, transient errors cool it down,
 * configuration errors disable nothing. Upstream 401s come in waves (every request in flight with
 * the dead access token); a wave gets one refresh, and a disabled account is never refreshed again.
 */
import { type Span, SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import type { Account } from "../accounts/account.ts";
import { describeClientProblem, describeTokenFailure, type TokenFailure } from "../accounts/token-failure.ts";
import type { Logger } from "../log/logger.ts";
import { createThrottle, type Throttle } from "../log/throttle.ts";
import type { GoogleOAuthClient, TokenGrant } from "../oauth/google-oauth-client.ts";
import { inSpan } from "../platform/in-span.ts";
import { err, ok, type Result } from "../result.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { type Clock, unixSeconds } from "../time/clock.ts";
import { createInvalidGrantDisabler, type InvalidGrantDisabler } from "./disable-on-invalid-grant.ts";
import type { PoolEntry } from "./pool-entry.ts";
import { notify, type PoolObserver } from "./pool-observer.ts";

export interface TokenRefresherDeps {
  readonly store: AccountStore;
  readonly oauth: GoogleOAuthClient;
  readonly clock: Clock;
  readonly log: Logger;
  readonly observer: PoolObserver;
  /** Each refresh is a span, a child of the request that needed it; none when not given. */
  readonly tracer?: Tracer;
  readonly refreshSkewSeconds: number;
  /** Called once this process disabled the account. */
  readonly onDisabled: (entry: PoolEntry) => void;
}

export type Freshness = Result<Account, TokenFailure>;

/** The last refresh of an account that ended: the access token it was to replace, and its failure. */
interface SettledRefresh {
  readonly replaced: string;
  readonly failure: TokenFailure | undefined;
}

/** A stale copy of an account may hand us a refresh token that was already replaced; try the new one once. */
const MAX_TOKEN_REPLACEMENTS = 1;
const CONFIG_LOG_INTERVAL_MS = 60_000;

export class TokenRefresher {
  readonly #deps: TokenRefresherDeps;
  readonly #disabler: InvalidGrantDisabler;
  readonly #tracer: Tracer | undefined;
  /** OAuth client errors are the same for every account: logged once a minute per code. */
  readonly #configErrorLog: Throttle;
  readonly #settled = new WeakMap<PoolEntry, SettledRefresh>();

  constructor(deps: TokenRefresherDeps) {
    this.#deps = deps;
    this.#disabler = createInvalidGrantDisabler(deps);
    this.#tracer = deps.tracer;
    this.#configErrorLog = createThrottle(deps.clock, CONFIG_LOG_INTERVAL_MS);
  }

  /** The account with an access token valid for at least the skew; refreshes when needed. */
  ensureFresh(entry: PoolEntry): Promise<Freshness> {
    if (entry.refreshing !== undefined) return entry.refreshing;
    const gone = disabledFailure(entry.account);
    if (gone !== undefined) return Promise.resolve(err(gone));
    // A token whose renewal failed (say after a 401) is not used again, whatever its expiry says.
    return this.#needsRefresh(entry.account) || this.#failedRenewal(entry) !== undefined
      ? this.#singleFlight(entry)
      : Promise.resolve(ok(entry.account));
  }

  /**
   * Refreshes even though the token looks valid (upstream said 401): once per rejected access
   * token. A token already replaced gets the current one; one whose refresh failed gets that failure.
   */
  refreshAfterRejection(entry: PoolEntry, rejectedAccessToken: string): Promise<Freshness> {
    if (entry.refreshing !== undefined) return entry.refreshing;
    const gone = disabledFailure(entry.account);
    if (gone !== undefined) return Promise.resolve(err(gone));
    // The current token's refresh already failed: later rejections of the wave share that failure.
    const failure = this.#failedRenewal(entry);
    if (failure !== undefined) return Promise.resolve(err(failure));
    // Replaced since this request sent it (or refreshed already): the current token is the answer.
    const current = entry.account.token.accessToken;
    if (current !== rejectedAccessToken || this.#settled.get(entry)?.replaced === rejectedAccessToken) {
      return this.ensureFresh(entry);
    }
    return this.#singleFlight(entry);
  }

  /** True when `account` is disabled by this process's own decision (its store event is an echo). */
  isOwnDisable(account: Account): boolean {
    return this.#disabler.isOwnDisable(account);
  }

  #needsRefresh(account: Account): boolean {
    return (
      account.token.accessToken === "" ||
      account.token.expiryTimestamp - unixSeconds(this.#deps.clock) <= this.#deps.refreshSkewSeconds
    );
  }

  /** The failure of the refresh that was to replace the current access token, if that is how it ended. */
  #failedRenewal(entry: PoolEntry): TokenFailure | undefined {
    const last = this.#settled.get(entry);
    return last?.replaced === entry.account.token.accessToken ? last.failure : undefined;
  }

  #singleFlight(entry: PoolEntry): Promise<Freshness> {
    if (entry.refreshing !== undefined) return entry.refreshing;
    const gone = disabledFailure(entry.account);
    if (gone !== undefined) return Promise.resolve(err(gone));
    const replaced = entry.account.token.accessToken;
    const flight = this.#tracedRefresh(entry)
      .then((fresh) => {
        this.#settled.set(entry, { replaced, failure: fresh.ok ? undefined : fresh.error });
        return fresh;
      })
      .finally(() => {
        entry.refreshing = undefined;
      });
    entry.refreshing = flight;
    return flight;
  }

  #tracedRefresh(entry: PoolEntry): Promise<Freshness> {
    return inSpan(
      this.#tracer,
      "grantpool.token.refresh",
      { kind: SpanKind.CLIENT, attributes: { "grantpool.account.id": entry.account.id } },
      () => this.#refresh(entry),
      settleRefreshSpan,
    );
  }

  async #refresh(entry: PoolEntry): Promise<Freshness> {
    const { clock, oauth, observer } = this.#deps;
    for (let replacements = 0; ; replacements++) {
      const used = entry.account.token.refreshToken;
      const started = clock.now();
      const reply = await oauth.refresh(used);
      const seconds = (clock.now() - started) / 1000;
      const outcome = reply.ok ? "success" : reply.error.kind;
      notify(observer, "tokenRefreshed", { accountId: entry.account.id, outcome, seconds });
      if (reply.ok) {
        const fresh = withGrant(entry.account, used, reply.value);
        // If the account was re-added while we refreshed, its new credentials win in memory;
        // this request may still use the access token we just obtained.
        if (entry.account.token.refreshToken === used) entry.account = fresh;
        entry.health.recordRefreshSuccess();
        await this.#persistGrant(entry, used, reply.value);
        return ok(fresh);
      }
      const replaced = await this.#onFailure(entry, used, reply.error);
      if (replaced === undefined || replacements >= MAX_TOKEN_REPLACEMENTS) return err(reply.error);
    }
  }

  async #persistGrant(entry: PoolEntry, used: string, grant: TokenGrant): Promise<void> {
    const { store, log } = this.#deps;
    const result = await store
      .update(entry.account.id, (current) =>
        current.token.refreshToken === used ? withGrant(current, used, grant) : undefined,
      )
      .catch((cause: unknown) => {
        log.warn(`Cannot save the refreshed token of ${entry.account.email}: ${String(cause)}`, {
          account: entry.account.id,
        });
        return undefined;
      });
    if (result?.status === "updated") entry.account = result.account;
  }

  /** Applies a token-endpoint failure; the stored account when its refresh token was replaced meanwhile. */
  async #onFailure(entry: PoolEntry, used: string, failure: TokenFailure): Promise<Account | undefined> {
    const { clock, log } = this.#deps;
    const email = entry.account.email;
    if (failure.kind === "invalid_grant") return this.#disabler.disable(entry, used, failure);
    if (failure.kind === "transient") {
      const block = entry.health.recordTransientFailure(clock.now(), failure.code);
      const seconds = Math.round((block.until - clock.now()) / 1000);
      log.error(
        `Token refresh failed (${email}): ${describeTokenFailure(failure)}, cooling down for ${seconds}s, trying next account`,
        { account: entry.account.id },
      );
    } else if (this.#configErrorLog(`oauth-config:${failure.code}`)) {
      log.error(
        `${describeClientProblem(failure)}: check GRANTPOOL_OAUTH_CLIENT_ID and GRANTPOOL_OAUTH_CLIENT_SECRET; no account is disabled`,
      );
    }
    return undefined;
  }
}

/** The account with the token a refresh granted (the refresh token `used` stays unless Google sent a new one). */
function withGrant(account: Account, used: string, grant: TokenGrant): Account {
  return {
    ...account,
    token: {
      ...account.token,
      accessToken: grant.accessToken,
      expiresIn: grant.expiresIn,
      expiryTimestamp: grant.expiryTimestamp,
      tokenType: grant.tokenType,
      refreshToken: grant.refreshToken ?? used,
    },
  };
}

function settleRefreshSpan(fresh: Freshness, span: Span): void {
  span.setAttribute("grantpool.refresh.outcome", fresh.ok ? "success" : fresh.error.kind);
  if (!fresh.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: fresh.error.code });
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
