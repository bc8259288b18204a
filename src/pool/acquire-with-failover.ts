/**
 * Acquisition across accounts for one request: an account whose refresh fails (disabled on
 * invalid_grant, or cooling down) is skipped for the next, up to the attempt limit. The proxy's
 * upstream loop uses the same exclude set so refresh failures and upstream failures share the limit.
 */
import type { Result } from "../result.ts";
import type { AccountPool, AcquireFailure, AcquireRequest, Lease } from "./account-pool.ts";

export interface FailoverRequest extends AcquireRequest {
  readonly maxAttempts: number;
  /** Shared with the caller: every account tried for this request is added here. */
  readonly tried: Set<string>;
}

export async function acquireWithFailover(
  pool: AccountPool,
  request: FailoverRequest,
): Promise<Result<Lease, AcquireFailure>> {
  let last: Result<Lease, AcquireFailure> | undefined;
  while (request.tried.size < request.maxAttempts) {
    last = await pool.acquire({ ...request, exclude: request.tried });
    if (last.ok) {
      request.tried.add(last.value.accountId);
      return last;
    }
    if (last.error.kind !== "refresh_failed") return last;
    request.tried.add(last.error.accountId);
  }
  return last ?? { ok: false, error: { kind: "no_available_account", summary: pool.summary(request.model) } };
}
