/**
 * The quota gauges, read from the pool at each collection: `grantpool.account.quota.remaining`
 * (percent left, by account id and quota group), `grantpool.account.quota.reset_time` (when the
 * group's quota comes back, Unix seconds, by account id and group) and
 * `grantpool.account.quota.protected` (accounts skipped for a group now, by group; zero included,
 * so a dashboard shows "none" rather than "no data").
 */
import type { BatchObservableCallback, Meter } from "@opentelemetry/api";
import { groupQuota, QUOTA_GROUPS } from "../accounts/quota.ts";
import type { PoolAccountView } from "../pool/account-pool.ts";
import { ACCOUNT_ID } from "./grantpool-metrics.ts";

const GROUPS: readonly string[] = QUOTA_GROUPS;

export function observeQuota(meter: Meter, pool: { view(): PoolAccountView[] }): () => void {
  const remaining = meter.createObservableGauge("grantpool.account.quota.remaining", {
    description: "Quota left per account and model group, percent (the group's best model)",
    unit: "%",
  });
  const resetTime = meter.createObservableGauge("grantpool.account.quota.reset_time", {
    description: "When an account's quota for a model group comes back, Unix seconds",
    unit: "s",
  });
  const protectedAccounts = meter.createObservableGauge("grantpool.account.quota.protected", {
    description: "Accounts skipped for a model group by quota protection now",
  });
  const callback: BatchObservableCallback = (result) => {
    let members: PoolAccountView[];
    try {
      members = pool.view();
    } catch {
      return; // Telemetry never throws into the SDK's collection.
    }
    const protectedCount = new Map(GROUPS.map((group) => [group, 0]));
    for (const { account, protections } of members) {
      for (const group of protections.keys()) protectedCount.set(group, (protectedCount.get(group) ?? 0) + 1);
      if (account.quota === undefined) continue;
      for (const group of GROUPS) {
        const standing = groupQuota(account.quota, group);
        if (standing === undefined) continue;
        const attributes = { [ACCOUNT_ID]: account.id, group };
        result.observe(remaining, standing.percentage, attributes);
        if (standing.resetAt !== undefined) result.observe(resetTime, standing.resetAt, attributes);
      }
    }
    for (const [group, count] of protectedCount) result.observe(protectedAccounts, count, { group });
  };
  const observables = [remaining, resetTime, protectedAccounts];
  meter.addBatchObservableCallback(
    callback as Parameters<Meter["addBatchObservableCallback"]>[0],
    observables,
  );
  return () =>
    meter.removeBatchObservableCallback(
      callback as Parameters<Meter["removeBatchObservableCallback"]>[0],
      observables,
    );
}
