/**
 * `grantpool.accounts{state}`: read at the moment of each collection (a scrape, an export), so an
 * in-memory disable shows at once.
 */
import type { Meter } from "@opentelemetry/api";
import { ACCOUNT_STATES, type AccountState } from "../pool/pool-entry.ts";
import type { PoolSummary } from "../pool/pool-summary.ts";

export type AccountStateCounts = Readonly<Record<AccountState, number>>;

/** Registers the gauge; the returned function stops observing (for a pool that stops). */
export function observeAccountStates(meter: Meter, counts: () => AccountStateCounts): () => void {
  const gauge = meter.createObservableGauge("grantpool.accounts", {
    description: "Accounts in the pool by state (active, disabled, proxy_disabled, cooldown)",
  });
  const callback = (result: { observe(value: number, attributes: { state: string }): void }): void => {
    let current: AccountStateCounts;
    try {
      current = counts();
    } catch {
      return; // Telemetry never throws into the SDK's collection.
    }
    for (const state of ACCOUNT_STATES) result.observe(current[state], { state });
  };
  gauge.addCallback(callback);
  return () => gauge.removeCallback(callback);
}

/** The gauge for a proxy: the pool's own count of its accounts. */
export function observePoolStates(meter: Meter, pool: { summary(): PoolSummary }): () => void {
  return observeAccountStates(meter, () => {
    const summary = pool.summary();
    return {
      active: summary.active,
      disabled: summary.disabled,
      proxy_disabled: summary.proxyDisabled,
      cooldown: summary.coolingDown,
    };
  });
}
