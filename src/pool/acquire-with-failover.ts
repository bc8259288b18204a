/**
 * Acquisition across accounts for one request: an account whose refresh fails is skipped for the
 * next, up to the attempt limit (failover.ts). The first lease handed out ends it.
 */
import type { Result } from "../result.ts";
import type { AccountPool } from "./account-pool.ts";
import { type FailoverRequest, failover } from "./failover.ts";
import type { AcquireFailure, Lease } from "./lease.ts";

const firstLease = (lease: Lease): Lease => lease;

export async function acquireWithFailover(
  pool: Pick<AccountPool, "acquire" | "summary">,
  request: FailoverRequest,
): Promise<Result<Lease, AcquireFailure>> {
  const leased = await failover(pool, request, firstLease);
  if (leased.ok) return leased;
  const { error } = leased;
  // Only a request that came with its attempts already spent leaves the loop without a lease or a refusal.
  if (error.kind !== "attempts_spent") return { ok: false, error };
  return { ok: false, error: { kind: "no_available_account", summary: pool.summary(request.model) } };
}
