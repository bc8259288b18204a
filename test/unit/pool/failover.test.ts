import { describe, expect, test } from "bun:test";
import type { AccountPool, AcquireRequest } from "../../../src/pool/account-pool.ts";
import { failover } from "../../../src/pool/failover.ts";
import type { AcquireFailure, Lease } from "../../../src/pool/lease.ts";
import type { Result } from "../../../src/result.ts";

const FAILURE = { kind: "transient", code: "timeout", description: "no reply" } as const;

/** A pool whose accounts answer acquire() in turn: a lease, or the failure given for the id. */
function scriptedPool(
  ids: readonly string[],
  failures: Readonly<Record<string, AcquireFailure>> = {},
): Pick<AccountPool, "acquire"> & { readonly asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    acquire: async (request: AcquireRequest = {}): Promise<Result<Lease, AcquireFailure>> => {
      asked.push([...(request.exclude ?? [])]);
      const id = ids.find((candidate) => request.exclude?.has(candidate) !== true);
      if (id === undefined) {
        return { ok: false, error: { kind: "config", failure: { ...FAILURE, kind: "config" } } };
      }
      const failure = failures[id];
      if (failure !== undefined) return { ok: false, error: failure };
      return { ok: true, value: { accountId: id, email: `${id}@example.com`, accessToken: "t" } };
    },
  };
}

describe("failover", () => {
  test("tries the next account until one serves, each tried account excluded", async () => {
    const pool = scriptedPool(["a", "b", "c"]);
    const tried = new Set<string>();
    const served = await failover(pool, { maxAttempts: 3, tried }, (lease) =>
      lease.accountId === "c" ? `served by ${lease.accountId}` : undefined,
    );
    expect(served).toEqual({ ok: true, value: "served by c" });
    expect(pool.asked).toEqual([[], ["a"], ["a", "b"]]);
    expect([...tried]).toEqual(["a", "b", "c"]);
  });

  test("an account whose refresh failed counts against the limit like one that was tried", async () => {
    const refreshFailed: AcquireFailure = { kind: "refresh_failed", accountId: "a", failure: FAILURE };
    const pool = scriptedPool(["a", "b", "c"], { a: refreshFailed });
    const served = await failover(pool, { maxAttempts: 2, tried: new Set() }, () => undefined);
    expect(served).toEqual({ ok: false, error: { kind: "attempts_spent" } });
    expect(pool.asked).toEqual([[], ["a"]]);
  });

  test("ends with the refresh failure when the last attempt was one", async () => {
    const refreshFailed: AcquireFailure = { kind: "refresh_failed", accountId: "b", failure: FAILURE };
    const pool = scriptedPool(["a", "b"], { b: refreshFailed });
    const served = await failover(pool, { maxAttempts: 2, tried: new Set() }, () => undefined);
    expect(served).toEqual({ ok: false, error: refreshFailed });
  });

  test("stops at once when the pool refuses for every account (the OAuth client, or none available)", async () => {
    const pool = scriptedPool([]);
    const served = await failover(pool, { maxAttempts: 3, tried: new Set() }, () => "never");
    expect(!served.ok && served.error.kind).toBe("config");
    expect(pool.asked).toHaveLength(1);
  });
});
