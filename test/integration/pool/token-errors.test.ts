/** The token-endpoint rows of SPEC §5.4 other than invalid_grant, and the single-flight refresh. */
import { describe, expect, test } from "bun:test";
import { acquireWithFailover } from "../../../src/pool/acquire-with-failover.ts";
import { startPoolFixture } from "../../support/pool-fixture.ts";

const A = "alice@example.com";
const B = "bob@example.com";

describe("token endpoint errors", () => {
  test("invalid_client disables nothing and fails the request as a configuration error", async () => {
    await using f = await startPoolFixture({ emails: [A, B] });
    f.google.failTokenEndpoint("invalid_client");
    const lease = await acquireWithFailover(f.pool, { maxAttempts: 3, tried: new Set() });
    expect(lease.ok).toBe(false);
    expect(!lease.ok && lease.error.kind).toBe("config");
    expect(f.pool.summary()).toMatchObject({ total: 2, disabled: 0 });
    expect((await f.store.list()).every((a) => !a.disabled)).toBe(true);
  });

  test("logs an OAuth client error once per minute", async () => {
    await using f = await startPoolFixture({ emails: [A] });
    f.google.failTokenEndpoint("unauthorized_client");
    for (let i = 0; i < 5; i++) await f.pool.acquire();
    expect(f.log.messages("error")).toHaveLength(1);
    expect(f.log.messages("error")[0]).toContain("no account is disabled");
    f.clock.advanceSeconds(60);
    await f.pool.acquire();
    expect(f.log.messages("error")).toHaveLength(2);
  });

  test("a transient error cools the account down with doubling backoff and the request moves on", async () => {
    await using f = await startPoolFixture({ emails: [A, B] });
    f.google.failTokenEndpoint("server_error", 1);
    const first = await acquireWithFailover(f.pool, { maxAttempts: 3, tried: new Set() });
    expect(first.ok && first.value.email).toBe(B);
    expect(f.pool.summary()).toMatchObject({ active: 1, coolingDown: 1, disabled: 0 });
    f.clock.advanceSeconds(9);
    expect(f.pool.summary().coolingDown).toBe(1);
    f.clock.advanceSeconds(1);
    expect(f.pool.summary().coolingDown).toBe(0);
    f.google.failTokenEndpoint("unavailable_html", 1);
    const again = await f.pool.acquire({ exclude: new Set(["id-bob"]) });
    expect(again.ok).toBe(false);
    f.clock.advanceSeconds(19);
    expect(f.pool.summary().coolingDown).toBe(1);
    f.clock.advanceSeconds(1);
    expect(f.pool.summary().coolingDown).toBe(0);
    expect((await f.store.get("id-alice"))?.disabled).toBe(false);
  });

  test("concurrent requests for one account share one refresh", async () => {
    await using f = await startPoolFixture({ emails: [A] });
    const leases = await Promise.all(Array.from({ length: 10 }, () => f.pool.acquire()));
    expect(leases.every((l) => l.ok)).toBe(true);
    expect(f.google.calls.refresh).toBe(1);
  });

  test("refreshes only within the skew before expiry", async () => {
    await using f = await startPoolFixture({ emails: [A] });
    await f.pool.acquire();
    f.clock.advanceSeconds(3599 - 301);
    await f.pool.acquire();
    expect(f.google.calls.refresh).toBe(1);
    f.clock.advanceSeconds(2);
    await f.pool.acquire();
    expect(f.google.calls.refresh).toBe(2);
  });

  test("persists a rotated refresh token", async () => {
    await using f = await startPoolFixture({ emails: [A] });
    f.google.rotateRefreshTokensOnRefresh(true);
    const before = f.account(A).token.refreshToken;
    await f.pool.acquire();
    const stored = await f.store.get("id-alice");
    expect(stored?.token.refreshToken).not.toBe(before);
    f.clock.advanceSeconds(3600);
    expect((await f.pool.acquire()).ok).toBe(true);
  });

  test("answers no_available_account with the reason when every account is out", async () => {
    await using f = await startPoolFixture({ emails: [A, B] });
    f.google.revoke(f.account(A).token.refreshToken);
    expect((await acquireWithFailover(f.pool, { maxAttempts: 3, tried: new Set() })).ok).toBe(true);
    f.clock.advanceSeconds(3600);
    f.google.failTokenEndpoint("server_error", 1);
    const result = await acquireWithFailover(f.pool, { maxAttempts: 5, tried: new Set() });
    expect(!result.ok && result.error.kind).toBe("no_available_account");
    expect(f.pool.summary()).toMatchObject({ total: 2, active: 0, disabled: 1, coolingDown: 1 });
    expect(f.pool.summary().earliestRetryAt).toBe(f.clock.now() + 10_000);
  });
});
