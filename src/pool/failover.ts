/**
 * The one failover loop: lease an account, let the caller try it, and on to the next until one
 * serves or the attempt limit is spent. An account whose refresh fails (disabled on invalid_grant,
 * or cooling down) counts against the limit as one the caller tried; a misconfigured OAuth client
 * or an empty pool ends the loop at once.
 */
import type { Result } from "../result.ts";
import type { AccountPool, AcquireRequest } from "./account-pool.ts";
import type { AcquireFailure, Lease } from "./lease.ts";

export interface FailoverRequest extends AcquireRequest {
  readonly maxAttempts: number;
  /** Shared with the caller: every account tried for this request is added here. */
  readonly tried: Set<string>;
}

/** Why no account served: the pool's refusal, or every attempt spent on accounts that failed. */
export type FailoverFailure = AcquireFailure | { readonly kind: "attempts_spent" };

/** What trying one leased account gave: a value ends the loop; undefined goes on to the next. */
export type TryAccount<T> = (lease: Lease) => T | undefined | Promise<T | undefined>;

const ATTEMPTS_SPENT: FailoverFailure = { kind: "attempts_spent" };

export async function failover<T>(
  pool: Pick<AccountPool, "acquire">,
  request: FailoverRequest,
  tryAccount: TryAccount<T>,
): Promise<Result<T, FailoverFailure>> {
  let last = ATTEMPTS_SPENT;
  // One acquire request for every attempt: the tried set it excludes grows as the loop goes.
  const acquire: AcquireRequest = { ...request, exclude: request.tried };
  while (request.tried.size < request.maxAttempts) {
    const lease = await pool.acquire(acquire);
    if (!lease.ok) {
      if (lease.error.kind !== "refresh_failed") return lease;
      request.tried.add(lease.error.accountId);
      last = lease.error;
      continue;
    }
    request.tried.add(lease.value.accountId);
    const served = await tryAccount(lease.value);
    if (served !== undefined) return { ok: true, value: served };
    last = ATTEMPTS_SPENT;
  }
  return { ok: false, error: last };
}
