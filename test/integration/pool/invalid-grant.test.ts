/** The heart of grantpool (SPEC §5.5, §5.6): invalid_grant disables persistently, once; a new token recovers. */
import { describe, expect, test } from "bun:test";
import { replaceToken } from "../../../src/accounts/account-transitions.ts";
import { AccountPool } from "../../../src/pool/account-pool.ts";
import { acquireWithFailover } from "../../../src/pool/acquire-with-failover.ts";
import { createFixedStrategy } from "../../../src/pool/strategies/fixed.ts";
import { createRoundRobinStrategy } from "../../../src/pool/strategies/round-robin.ts";
import type { AccountChange, AccountStore } from "../../../src/stores/account-store.ts";
import { MemoryAccountStore } from "../../../src/stores/memory-account-store.ts";
import { findSecretsIn, startPoolFixture } from "../../support/pool-fixture.ts";
import { storeWith } from "../../support/store-fixtures.ts";

const A = "alice@example.com";
const B = "bob@example.com";

/** Counts the writes that set `disabled`, however many callers asked. */
function countingDisables(store: AccountStore): { store: AccountStore; disableWrites: () => number } {
  let writes = 0;
  return {
    disableWrites: () => writes,
    store: storeWith(store, {
      async update(id: string, change: AccountChange) {
        const result = await store.update(id, change);
        if (result.status === "updated" && result.account.disabled) writes += 1;
        return result;
      },
    }),
  };
}

describe("disabling on invalid_grant", () => {
  test("disables the account once when ten requests race on invalid_grant", async () => {
    let counter: ReturnType<typeof countingDisables> | undefined;
    await using f = await startPoolFixture({
      emails: [A, B],
      strategy: createFixedStrategy(() => "id-alice"),
      store: (accounts) => {
        counter = countingDisables(new MemoryAccountStore({ accounts }));
        return counter.store;
      },
    });
    f.google.revoke(f.account(A).token.refreshToken);
    const leases = await Promise.all(
      Array.from({ length: 10 }, () => acquireWithFailover(f.pool, { maxAttempts: 3, tried: new Set() })),
    );
    expect(leases.map((l) => (l.ok ? l.value.email : "failed"))).toEqual(Array(10).fill(B));
    expect(f.google.refreshCallsFor(f.account(A).token.refreshToken)).toBe(1);
    expect(counter?.disableWrites()).toBe(1);
    const stored = await f.store.get("id-alice");
    expect(stored?.disabled).toBe(true);
    expect(stored?.disabledReason).toBe("invalid_grant: Token has been expired or revoked.");
    expect(stored?.disabledAt).toBe(Math.floor(f.clock.now() / 1000));
  });

  test("logs the two lines of SPEC §5.5, once", async () => {
    await using f = await startPoolFixture({
      emails: [A, B],
      strategy: createFixedStrategy(() => "id-alice"),
    });
    f.google.revoke(f.account(A).token.refreshToken);
    await Promise.all([1, 2, 3].map(() => acquireWithFailover(f.pool, { maxAttempts: 3, tried: new Set() })));
    expect(f.log.messages("error")).toEqual([
      `Token refresh failed (${A}): invalid_grant: Token has been expired or revoked., trying next account`,
    ]);
    expect(f.log.messages("warn")).toEqual([
      `Disabling account due to invalid_grant (${A}): refresh_token likely revoked/expired`,
    ]);
  });

  test("never uses a disabled account again, and skips it after a restart", async () => {
    await using f = await startPoolFixture({ emails: [A, B] });
    f.google.revoke(f.account(A).token.refreshToken);
    for (let i = 0; i < 6; i++) {
      const lease = await acquireWithFailover(f.pool, { maxAttempts: 3, tried: new Set() });
      expect(lease.ok && lease.value.email).toBe(B);
    }
    expect(f.google.refreshCallsFor(f.account(A).token.refreshToken)).toBe(1);
    const restarted = new AccountPool({
      store: f.store,
      oauth: f.oauth,
      clock: f.clock,
      log: f.log.logger,
      strategy: createRoundRobinStrategy(),
      refreshSkewSeconds: 300,
    });
    await restarted.start();
    expect(f.log.messages("info")).toContain(
      `Skipping disabled account (${A}): invalid_grant: Token has been expired or revoked.`,
    );
    expect(restarted.summary()).toMatchObject({ total: 2, active: 1, disabled: 1 });
    restarted.stop();
  });

  test("cuts disabled_reason at 800 characters ending in ...", async () => {
    const description = `Token has been expired or revoked. ${"x".repeat(2000)}`;
    const google = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith("/token")) {
        return Promise.resolve(
          Response.json({ error: "invalid_grant", error_description: description }, { status: 400 }),
        );
      }
      return fetch(input, init);
    };
    await using f = await startPoolFixture({ emails: [A], fetch: google });
    await f.pool.acquire();
    const reason = (await f.store.get("id-alice"))?.disabledReason ?? "";
    expect(reason).toHaveLength(800);
    expect(reason.startsWith("invalid_grant: Token has been expired or revoked. xxx")).toBe(true);
    expect(reason.endsWith("...")).toBe(true);
  });

  test("does not disable an account re-added while its refresh was in flight", async () => {
    await using f = await startPoolFixture({ emails: [A] });
    const oldToken = f.account(A).token.refreshToken;
    const gate = f.google.holdRefreshes();
    const pending = f.pool.acquire();
    await gate.waitFor(1);
    f.google.revoke(oldToken);
    const newToken = f.google.mintRefreshToken(A);
    f.secrets.push(newToken);
    await f.store.upsertByEmail(A.toUpperCase(), (existing) =>
      replaceToken(existing ?? f.account(A), { accessToken: "", refreshToken: newToken, expiryTimestamp: 0 }),
    );
    gate.release();
    const lease = await pending;
    expect(lease.ok).toBe(true);
    const stored = await f.store.get("id-alice");
    expect(stored?.disabled).toBe(false);
    expect(stored?.token.refreshToken).toBe(newToken);
    expect(f.log.messages("warn")).toEqual([]);
    expect(findSecretsIn(f.log.lines, f.secrets)).toEqual([]);
  });

  test("returns a recovered account to the pool when its token is replaced", async () => {
    const recovered: string[] = [];
    await using f = await startPoolFixture({
      emails: [A],
      observer: { accountRecovered: (e) => recovered.push(e.email) },
    });
    f.google.revoke(f.account(A).token.refreshToken);
    expect((await f.pool.acquire()).ok).toBe(false);
    expect(f.pool.summary()).toMatchObject({ active: 0, disabled: 1 });
    const newToken = f.google.mintRefreshToken(A);
    await f.store.upsertByEmail(A, (existing) =>
      replaceToken(existing ?? f.account(A), { accessToken: "", refreshToken: newToken, expiryTimestamp: 0 }),
    );
    expect(f.pool.summary()).toMatchObject({ active: 1, disabled: 0 });
    expect(recovered).toEqual([A]);
    const lease = await f.pool.acquire();
    expect(lease.ok && lease.value.email).toBe(A);
  });

  test("no refresh token or access token appears in any log line", async () => {
    await using f = await startPoolFixture({ emails: [A, B] });
    f.google.rotateRefreshTokensOnRefresh(true);
    const leases = await Promise.all([1, 2, 3, 4].map(() => f.pool.acquire()));
    const accessTokens = leases.flatMap((l) => (l.ok ? [l.value.accessToken] : []));
    f.google.revoke((await f.store.get("id-alice"))?.token.refreshToken ?? "");
    f.clock.advanceSeconds(3600);
    await acquireWithFailover(f.pool, { maxAttempts: 3, tried: new Set() });
    await acquireWithFailover(f.pool, { maxAttempts: 3, tried: new Set() });
    const stored = await f.store.list();
    const secrets = [
      ...f.secrets,
      ...accessTokens,
      ...stored.flatMap((a) => [a.token.refreshToken, a.token.accessToken]),
    ];
    expect(f.log.lines.length).toBeGreaterThan(2);
    expect(findSecretsIn(f.log.lines, secrets)).toEqual([]);
  });
});
