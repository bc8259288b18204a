/** Counting the pool by state, for 503 replies ("why is nothing available?"), metrics and the admin API. */
import type { AccountState, PoolEntry } from "./pool-entry.ts";
import { stateOf } from "./pool-entry.ts";

export interface PoolSummary {
  readonly total: number;
  readonly active: number;
  readonly disabled: number;
  readonly proxyDisabled: number;
  readonly coolingDown: number;
  /** Earliest end of a cooldown among cooling accounts (epoch ms), for Retry-After. */
  readonly earliestRetryAt?: number;
}

export function summarize(entries: Iterable<PoolEntry>, now: number, model?: string): PoolSummary {
  const counts: Record<AccountState, number> = { active: 0, disabled: 0, proxy_disabled: 0, cooldown: 0 };
  let total = 0;
  let earliestRetryAt: number | undefined;
  for (const entry of entries) {
    total += 1;
    const state = stateOf(entry, now, model);
    counts[state] += 1;
    if (state === "cooldown") {
      const until = entry.health.blockAt(now, model)?.until;
      if (until !== undefined && (earliestRetryAt === undefined || until < earliestRetryAt))
        earliestRetryAt = until;
    }
  }
  const summary = {
    total,
    active: counts.active,
    disabled: counts.disabled,
    proxyDisabled: counts.proxy_disabled,
    coolingDown: counts.cooldown,
  };
  return earliestRetryAt === undefined ? summary : { ...summary, earliestRetryAt };
}

/** "0 of 3 accounts available: 1 disabled, 2 cooling down, 0 proxy-disabled" */
export function explainSummary(summary: PoolSummary): string {
  if (summary.total === 0) return "the pool has no accounts; add one with `grantpool accounts add`";
  return (
    `${summary.active} of ${summary.total} accounts available: ${summary.disabled} disabled, ` +
    `${summary.coolingDown} cooling down, ${summary.proxyDisabled} proxy-disabled`
  );
}
