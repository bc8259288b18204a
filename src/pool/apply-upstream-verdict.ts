/**
 * The pool's side of the upstream rows of SPEC §5.4: how each verdict changes the account's
 * temporary health, and when three 403s in a row take it out of the proxy (`proxy_disabled`,
 * reason `forbidden: …`). The proxy decides what to do with the request itself.
 */
import { markProxyDisabled, proxyDisableOnce } from "../accounts/account-transitions.ts";
import type { UpstreamVerdict } from "../accounts/upstream-failure.ts";
import type { Logger } from "../log/logger.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { type Clock, unixSeconds } from "../time/clock.ts";
import {
  RATE_LIMIT_DEFAULT_MS,
  RATE_LIMIT_MAX_MS,
  UPSTREAM_TRANSIENT_COOLDOWN_MS,
} from "./cooldown-policy.ts";
import type { PoolEntry } from "./pool-entry.ts";
import { notify, type PoolObserver } from "./pool-observer.ts";

export interface VerdictDeps {
  readonly store: AccountStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly observer: PoolObserver;
  readonly onProxyDisabled: (entry: PoolEntry) => void;
}

function rateLimitMs(deps: VerdictDeps, entry: PoolEntry, hinted: number | undefined): number {
  if (hinted === undefined) return RATE_LIMIT_DEFAULT_MS;
  if (hinted > RATE_LIMIT_MAX_MS) {
    deps.log.warn(
      `Upstream asked ${entry.account.email} to wait ${Math.round(hinted / 1000)}s; cooling down for the 24h maximum`,
      { account: entry.account.id },
    );
    return RATE_LIMIT_MAX_MS;
  }
  return hinted;
}

async function proxyDisableForbidden(deps: VerdictDeps, entry: PoolEntry, message: string): Promise<void> {
  const reason = `forbidden: ${message}`;
  const result = await deps.store
    .update(entry.account.id, (current) => proxyDisableOnce(current, reason, unixSeconds(deps.clock)))
    .catch((cause: unknown) => {
      deps.log.error(`Cannot save the proxy-disabled state of ${entry.account.email}: ${String(cause)}`);
      return undefined;
    });
  const wrote = result?.status === "updated";
  entry.account =
    result !== undefined && result.status !== "missing"
      ? result.account
      : markProxyDisabled(entry.account, reason, unixSeconds(deps.clock));
  deps.log.warn(
    `Proxy-disabling account after three 403 replies in a row (${entry.account.email}): ${message}`,
    {
      account: entry.account.id,
    },
  );
  if (wrote || result === undefined) {
    notify(deps.observer, "accountDisabled", {
      accountId: entry.account.id,
      email: entry.account.email,
      store: deps.store.kind,
      reason: "forbidden",
      detail: reason,
    });
  }
  deps.onProxyDisabled(entry);
}

/** Settled: most verdicts change state in memory only, with nothing to wait for. */
const APPLIED: Promise<void> = Promise.resolve();

/**
 * Not async itself: only a proxy-disable writes to the store; every other verdict (a success, on
 * nearly every reply) is applied at once and returns a settled promise, with no async call.
 */
export function applyUpstreamVerdict(
  deps: VerdictDeps,
  entry: PoolEntry,
  verdict: UpstreamVerdict,
): Promise<void> {
  const now = deps.clock.now();
  switch (verdict.kind) {
    case "success":
      entry.health.recordUpstreamSuccess();
      return APPLIED;
    case "rate_limited":
      entry.health.block(
        {
          until: now + rateLimitMs(deps, entry, verdict.retryAfterMs),
          reason: "rate_limited",
          detail: verdict.message,
        },
        verdict.model,
      );
      return APPLIED;
    case "validation_required": {
      const block = entry.health.recordValidationRequired(now, verdict.url);
      deps.log.warn(
        `Account needs a human check (${entry.account.email}): ${verdict.url ?? verdict.message}; blocked until ${new Date(block.until).toISOString()}`,
        { account: entry.account.id },
      );
      return APPLIED;
    }
    case "forbidden":
      return entry.health.recordForbidden(now, verdict.message)
        ? proxyDisableForbidden(deps, entry, verdict.message)
        : APPLIED;
    case "transient":
      entry.health.block({
        until: now + UPSTREAM_TRANSIENT_COOLDOWN_MS,
        reason: "upstream_error",
        detail: verdict.message,
      });
      return APPLIED;
    case "stale_token":
    case "client_error":
      return APPLIED;
  }
}
