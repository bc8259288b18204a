/** Listing and adding accounts through the admin API (SPEC §7, with the rules of §5.6). */
import { describe, expect, test } from "bun:test";
import { MemoryAccountStore } from "../../../src/stores/memory-account-store.ts";
import { startAdminFixture } from "../../support/admin-fixture.ts";
import { storeWith } from "../../support/store-fixtures.ts";

const A = "alice@example.com";
const B = "bob@example.com";

describe("GET /admin/accounts", () => {
  test("lists every account with its state and never a token the emulator issued", async () => {
    await using f = await startAdminFixture({ emails: [A, B] });
    // Give the pool access tokens too, so there is more to leak.
    expect((await f.pool.acquire()).ok).toBe(true);
    expect((await f.pool.acquire()).ok).toBe(true);
    const response = await f.call("/admin/accounts");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    const tokens = await f.issuedTokens();
    expect(tokens.length).toBeGreaterThanOrEqual(4);
    expect(tokens.filter((token) => text.includes(token))).toEqual([]);
    expect(text).not.toMatch(/ya29\.|1\/\/|token"\s*:/);
    const body = JSON.parse(text) as { accounts: Record<string, unknown>[] };
    expect(body.accounts.map((account) => account.email)).toEqual([A, B]);
    expect(body.accounts[0]).toMatchObject({
      id: "id-alice",
      state: "active",
      disabled: false,
      proxyDisabled: false,
      modelCooldowns: [],
      inPool: true,
    });
    expect(body.accounts[0]?.accessTokenExpiresAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  test("shows reasons and ISO times of disabled, proxy-disabled and cooling-down accounts", async () => {
    await using f = await startAdminFixture({ emails: [A, B, "carol@example.com"] });
    f.google.revoke(f.account(A).token.refreshToken);
    await f.pool.acquire({ exclude: new Set(["id-bob", "id-carol"]) });
    await f.call("/admin/accounts/id-carol/disable", { method: "POST", body: { reason: "billing check" } });
    await f.pool.report("id-bob", {
      kind: "validation_required",
      url: "https://accounts.google.com/signin/continue?x=1",
      message: "verify",
    });
    await f.pool.report("id-bob", {
      kind: "rate_limited",
      model: "gemini-pro",
      retryAfterMs: 90_000,
      message: "quota",
    });

    const { body } = await f.callJson("/admin/accounts");
    const byEmail = new Map((body.accounts as Record<string, unknown>[]).map((a) => [a.email, a]));
    const at = (ms: number): string => new Date(f.clock.now() + ms).toISOString();
    expect(byEmail.get(A)).toMatchObject({
      state: "disabled",
      disabled: true,
      disabledAt: new Date(f.clock.now()).toISOString(),
      disabledReason: "invalid_grant: Token has been expired or revoked.",
    });
    expect(byEmail.get("carol@example.com")).toMatchObject({
      state: "proxy_disabled",
      proxyDisabled: true,
      proxyDisabledReason: "billing check",
      proxyDisabledAt: new Date(f.clock.now()).toISOString(),
    });
    expect(byEmail.get(B)).toMatchObject({
      state: "cooldown",
      cooldown: {
        reason: "validation_required",
        until: at(600_000),
        detail: "https://accounts.google.com/signin/continue?x=1",
      },
      modelCooldowns: [{ model: "gemini-pro", reason: "rate_limited", until: at(90_000), detail: "quota" }],
    });
  });
});

describe("POST /admin/accounts", () => {
  test("a working token creates the account (201) and the pool serves it at once, without a store event", async () => {
    await using f = await startAdminFixture();
    const token = f.google.addIdentity({ email: A, name: "Alice A" });
    const { status, body } = await f.callJson("/admin/accounts", {
      method: "POST",
      body: { refresh_token: token },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      outcome: "created",
      account: { id: "acct-1", email: A, name: "Alice A", state: "active", inPool: true },
      message: "Added alice@example.com (id acct-1)",
    });
    expect(JSON.stringify(body)).not.toContain(token);
    expect(f.pool.summary()).toMatchObject({ total: 1, active: 1 });
    const lease = await f.pool.acquire();
    expect(lease.ok && lease.value.email).toBe(A);
    expect(await f.store.get("acct-1")).toMatchObject({ email: A, token: { refreshToken: token } });
    expect(f.log.messages("info")).toContain("Admin: added alice@example.com (id acct-1)");
    expect(f.log.lines.filter((line) => line.includes(token))).toEqual([]);
  });

  test("a revoked token gets 422 with Google's reason and nothing is written", async () => {
    await using f = await startAdminFixture({ emails: [B] });
    const token = f.google.addIdentity({ email: A });
    f.google.revoke(token);
    const before = await f.store.list();
    const { status, body } = await f.callJson("/admin/accounts", {
      method: "POST",
      body: { refresh_token: token },
    });
    expect(status).toBe(422);
    expect(body).toEqual({
      error: {
        code: 422,
        status: "INVALID_ARGUMENT",
        message:
          "Google rejected the refresh token (invalid_grant: Token has been expired or revoked.); nothing was written",
      },
    });
    expect(await f.store.list()).toEqual(before);
    expect(f.pool.summary()).toMatchObject({ total: 1 });
    expect(f.log.lines.filter((line) => line.includes(token))).toEqual([]);
  });

  test("re-adding a disabled account's email (other case) with a new token recovers it into the pool", async () => {
    await using f = await startAdminFixture({ emails: [A] });
    f.google.revoke(f.account(A).token.refreshToken);
    expect((await f.pool.acquire()).ok).toBe(false);
    expect(f.pool.summary()).toMatchObject({ disabled: 1, active: 0 });

    // Google now reports the address in another case: still the same account.
    const fresh = f.google.addIdentity({ email: "Alice@Example.COM" });
    const { status, body } = await f.callJson("/admin/accounts", {
      method: "POST",
      body: { refresh_token: `  ${fresh}\n` },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      outcome: "recovered",
      account: { id: "id-alice", state: "active", disabled: false },
      message: "Recovered alice@example.com (id id-alice)",
    });
    expect((body.account as Record<string, unknown>).disabledReason).toBeUndefined();
    expect(f.pool.summary()).toMatchObject({ active: 1, disabled: 0 });
    const lease = await f.pool.acquire();
    expect(lease.ok && lease.value.accountId).toBe("id-alice");
    expect(await f.store.get("id-alice")).toMatchObject({ disabled: false, token: { refreshToken: fresh } });
  });

  test("re-adding a proxy-disabled account updates its token but leaves it out of the proxy, and says so", async () => {
    await using f = await startAdminFixture({ emails: [A] });
    await f.call("/admin/accounts/id-alice/disable", { method: "POST" });
    const { status, body } = await f.callJson("/admin/accounts", {
      method: "POST",
      body: { refresh_token: f.mintToken(A) },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ outcome: "updated", account: { state: "proxy_disabled" } });
    expect(body.message).toContain("/admin/accounts/id-alice/enable");
    expect(f.pool.summary()).toMatchObject({ proxyDisabled: 1, active: 0 });
  });

  test("a Google outage gets 503 and a misconfigured OAuth client 502; nothing is written", async () => {
    await using f = await startAdminFixture();
    const token = f.google.addIdentity({ email: A });
    f.google.failTokenEndpoint("server_error", 1);
    const outage = await f.callJson("/admin/accounts", { method: "POST", body: { refresh_token: token } });
    expect(outage).toMatchObject({ status: 503, body: { error: { code: 503, status: "UNAVAILABLE" } } });
    expect(String((outage.body.error as { message: string }).message)).toContain("try again later");
    f.google.failTokenEndpoint("invalid_client", 1);
    const config = await f.callJson("/admin/accounts", { method: "POST", body: { refresh_token: token } });
    expect(config).toMatchObject({
      status: 502,
      body: { error: { code: 502, status: "FAILED_PRECONDITION" } },
    });
    expect(await f.store.list()).toEqual([]);
  });

  test("malformed bodies get 400 naming the field, and Google is never asked", async () => {
    await using f = await startAdminFixture();
    const cases: [body: unknown, message: string][] = [
      ["", "body: is empty; send a JSON object"],
      ["{refresh_token: 1//abc", "body: is not valid JSON"],
      [{}, "refresh_token: is required"],
      [{ refresh_token: "" }, "refresh_token: must not be empty"],
      [{ refresh_token: "   " }, "refresh_token: must not be empty"],
      [{ refresh_token: 42 }, "refresh_token: must be a string (the refresh token)"],
      [{ refresh_token: "1//x", extra: true }, "extra: unknown field"],
      [["1//x"], "body: must be a JSON object, not an array"],
      ['"1//x"', 'body: must be a JSON object like {"refresh_token": "…"}'],
      [`{"refresh_token":${"[".repeat(5_000)}`, "body: nests deeper than 100 levels"],
      [`{"refresh_token":"${"[".repeat(4_097)}"}`, "refresh_token: must be at most 4096 characters"],
    ];
    for (const [input, message] of cases) {
      const reply = await f.callJson("/admin/accounts", { method: "POST", body: input });
      expect({ input, ...reply }).toEqual({
        input,
        status: 400,
        body: { error: { code: 400, status: "INVALID_ARGUMENT", message } },
      });
    }
    expect(f.google.calls.refresh).toBe(0);
  });

  test("a failing store gets 500 in the admin error shape, with the store's reason", async () => {
    let failing = false;
    await using f = await startAdminFixture({
      emails: [A],
      store: (accounts) => {
        const store = new MemoryAccountStore({ accounts });
        return storeWith(store, {
          list: () => (failing ? Promise.reject(new Error("disk on fire")) : store.list()),
        });
      },
    });
    failing = true;
    const { status, body } = await f.callJson("/admin/accounts");
    expect(status).toBe(500);
    expect(body).toEqual({
      error: { code: 500, status: "INTERNAL", message: "The admin request failed: disk on fire" },
    });
    expect(f.log.messages("error")).toContain("Admin: GET /admin/accounts failed: disk on fire");
  });
});
