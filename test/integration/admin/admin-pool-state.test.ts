/** Taking accounts in and out of the proxy, removing them, reloading, and explaining the pool (SPEC §7). */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { markDisabled } from "../../../src/accounts/account-transitions.ts";
import { silentLogger } from "../../../src/log/logger.ts";
import { BUILT_IN_MODEL_MAP } from "../../../src/proxy/model-map.ts";
import { FileAccountStore } from "../../../src/stores/file/file-account-store.ts";
import { systemClock } from "../../../src/time/clock.ts";
import { startAdminFixture } from "../../support/admin-fixture.ts";
import { accountFor } from "../../support/pool-fixture.ts";
import { createTempDir } from "../../support/store-fixtures.ts";

const A = "alice@example.com";
const B = "bob@example.com";
const POST = { method: "POST" } as const;

describe("POST /admin/accounts/{id}/enable|disable", () => {
  test("disable by id takes the account out of the pool at once with reason manual; enable returns it", async () => {
    await using f = await startAdminFixture({ emails: [A, B] });
    const disabled = await f.callJson("/admin/accounts/id-alice/disable", POST);
    expect(disabled).toMatchObject({
      status: 200,
      body: {
        changed: true,
        message: "Proxy-disabled alice@example.com (id id-alice)",
        account: { id: "id-alice", state: "proxy_disabled", proxyDisabledReason: "manual" },
      },
    });
    expect(f.pool.summary()).toMatchObject({ active: 1, proxyDisabled: 1 });
    for (let i = 0; i < 3; i++) {
      const lease = await f.pool.acquire();
      expect(lease.ok && lease.value.email).toBe(B);
    }
    expect(await f.store.get("id-alice")).toMatchObject({
      proxyDisabled: true,
      proxyDisabledReason: "manual",
    });
    expect(f.log.messages("info")).toContain("Admin: proxy-disabled alice@example.com (id id-alice)");

    const enabled = await f.callJson("/admin/accounts/id-alice/enable", POST);
    expect(enabled).toMatchObject({ status: 200, body: { changed: true, account: { state: "active" } } });
    expect((enabled.body.account as Record<string, unknown>).proxyDisabledReason).toBeUndefined();
    expect(f.pool.summary()).toMatchObject({ active: 2, proxyDisabled: 0 });
    expect(f.log.messages("info")).toContain("Admin: enabled alice@example.com (id id-alice)");
  });

  test("accepts the email instead of the id, in any case and URL-encoded", async () => {
    await using f = await startAdminFixture({ emails: [A] });
    const byEmail = await f.callJson("/admin/accounts/ALICE%40example.com/disable", POST);
    expect(byEmail).toMatchObject({
      status: 200,
      body: { account: { id: "id-alice", state: "proxy_disabled" } },
    });
    const plain = await f.callJson("/admin/accounts/alice@example.com/enable", POST);
    expect(plain).toMatchObject({ status: 200, body: { account: { id: "id-alice", state: "active" } } });
    expect(f.pool.summary()).toMatchObject({ active: 1 });
  });

  test("records the reason given in the body, and refuses a malformed one with 400", async () => {
    await using f = await startAdminFixture({ emails: [A] });
    const bad = await f.callJson("/admin/accounts/id-alice/disable", { ...POST, body: { reason: 7 } });
    expect(bad).toMatchObject({ status: 400, body: { error: { message: "reason: must be a string" } } });
    const junk = await f.callJson("/admin/accounts/id-alice/enable", { ...POST, body: { force: true } });
    expect(junk).toMatchObject({ status: 400, body: { error: { message: "force: unknown field" } } });
    expect(f.pool.summary()).toMatchObject({ active: 1 });
    const ok = await f.callJson("/admin/accounts/id-alice/disable", {
      ...POST,
      body: { reason: "rotating the project" },
    });
    expect(ok).toMatchObject({
      status: 200,
      body: { account: { proxyDisabledReason: "rotating the project" } },
    });
  });

  test("disabling an account already out changes nothing and keeps the reason it was taken out for", async () => {
    await using f = await startAdminFixture({ emails: [A] });
    await f.call("/admin/accounts/id-alice/disable", { ...POST, body: { reason: "first" } });
    const again = await f.callJson("/admin/accounts/id-alice/disable", POST);
    expect(again).toMatchObject({
      status: 200,
      body: { changed: false, account: { proxyDisabledReason: "first" } },
    });
    expect(String(again.body.message)).toEndWith("(no change)");
  });

  test("enable does not revive dead credentials and says that a new token is needed", async () => {
    await using f = await startAdminFixture({ emails: [A] });
    f.google.revoke(f.account(A).token.refreshToken);
    await f.pool.acquire();
    const { status, body } = await f.callJson("/admin/accounts/id-alice/enable", POST);
    expect(status).toBe(200);
    expect(body).toMatchObject({ changed: false, account: { state: "disabled", disabled: true } });
    expect(String(body.message)).toContain("credentials are still dead");
    expect(f.pool.summary()).toMatchObject({ disabled: 1, active: 0 });
  });

  test("an unknown id or email gets 404 on enable, disable and delete", async () => {
    await using f = await startAdminFixture({ emails: [A] });
    for (const [path, method] of [
      ["/admin/accounts/nobody%40example.com/enable", "POST"],
      ["/admin/accounts/no-such-id/disable", "POST"],
      ["/admin/accounts/no-such-id", "DELETE"],
    ] as const) {
      const reply = await f.callJson(path, { method });
      expect(reply).toMatchObject({ status: 404, body: { error: { code: 404, status: "NOT_FOUND" } } });
    }
    expect(f.pool.summary()).toMatchObject({ total: 1, active: 1 });
  });
});

describe("DELETE /admin/accounts/{id}", () => {
  test("removes the account from the store and the pool at once (204)", async () => {
    await using f = await startAdminFixture({ emails: [A, B] });
    const response = await f.call("/admin/accounts/bob@example.com", { method: "DELETE" });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect(await f.store.get("id-bob")).toBeUndefined();
    expect(f.pool.summary()).toMatchObject({ total: 1 });
    expect(f.pool.resolve(B)).toBeUndefined();
    expect(f.log.messages("info")).toContain("Admin: removed bob@example.com (id id-bob)");
    expect((await f.call("/admin/accounts/id-bob", { method: "DELETE" })).status).toBe(404);
  });
});

describe("POST /admin/reload", () => {
  test("picks up an account written directly to the store and drops one removed from it", async () => {
    await using f = await startAdminFixture({ emails: [A] });
    const token = f.mintToken(B);
    await f.store.upsertByEmail(B, () => accountFor(B, token));
    await f.store.remove("id-alice");
    // The store's events never reach this pool: only the reload can tell it.
    expect(f.pool.summary()).toMatchObject({ total: 1 });
    expect(f.pool.resolve(A)).toBe("id-alice");

    const { status, body } = await f.callJson("/admin/reload", POST);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      summary: {
        total: 1,
        active: 1,
        explanation: "1 of 1 accounts available: 0 disabled, 0 cooling down, 0 proxy-disabled",
      },
    });
    expect(f.pool.resolve(A)).toBeUndefined();
    const lease = await f.pool.acquire();
    expect(lease.ok && lease.value.email).toBe(B);
  });
});

describe("GET /admin/pool", () => {
  test("explains why a disabled and a cooling-down account are out, with the summary counts", async () => {
    await using f = await startAdminFixture({ emails: [A, B, "carol@example.com"] });
    const disabledAt = Math.floor(f.clock.now() / 1000);
    const alice = await f.store.update("id-alice", (a) =>
      markDisabled(a, "invalid_grant: Token has been expired or revoked.", disabledAt),
    );
    if (alice.status !== "updated") throw new Error("cannot disable alice");
    f.pool.apply({ type: "upsert", account: alice.account });
    await f.pool.report("id-bob", {
      kind: "rate_limited",
      retryAfterMs: 45_000,
      message: "Resource has been exhausted",
    });

    const { status, body } = await f.callJson("/admin/pool");
    expect(status).toBe(200);
    const until = new Date(f.clock.now() + 45_000).toISOString();
    expect(body).toEqual({
      summary: {
        total: 3,
        active: 1,
        disabled: 1,
        proxyDisabled: 0,
        coolingDown: 1,
        earliestRetryAt: until,
        explanation: "1 of 3 accounts available: 1 disabled, 1 cooling down, 0 proxy-disabled",
      },
      accounts: [
        {
          id: "id-alice",
          email: A,
          state: "disabled",
          reason: "invalid_grant: Token has been expired or revoked.",
          since: new Date(disabledAt * 1000).toISOString(),
          modelCooldowns: [],
          quotaProtections: [],
        },
        {
          id: "id-bob",
          email: B,
          state: "cooldown",
          reason: "rate_limited",
          until,
          detail: "Resource has been exhausted",
          modelCooldowns: [],
          quotaProtections: [],
        },
        {
          id: "id-carol",
          email: "carol@example.com",
          state: "active",
          modelCooldowns: [],
          quotaProtections: [],
        },
      ],
      modelMap: [],
    });
    f.clock.advanceSeconds(45);
    const later = await f.callJson("/admin/pool");
    expect(later.body.summary).toMatchObject({ active: 2, coolingDown: 0 });
  });
});

describe("on the file store", () => {
  test("admin changes land in accounts/<id>.json in the reference format, and the pool follows at once", async () => {
    const dir = createTempDir("grantpool-admin-");
    try {
      await using f = await startAdminFixture({
        store: () => new FileAccountStore({ dataDir: dir.path, log: silentLogger, clock: systemClock }),
      });
      const token = f.google.addIdentity({ email: A });
      expect((await f.call("/admin/accounts", { ...POST, body: { refresh_token: token } })).status).toBe(201);
      const file = join(dir.path, "accounts", "acct-1.json");
      expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({
        email: A,
        disabled: false,
        proxy_disabled: false,
      });

      expect((await f.call(`/admin/accounts/${encodeURIComponent(A)}/disable`, POST)).status).toBe(200);
      expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({
        proxy_disabled: true,
        proxy_disabled_reason: "manual",
      });
      expect(f.pool.summary()).toMatchObject({ total: 1, proxyDisabled: 1 });

      expect((await f.call("/admin/accounts/acct-1", { method: "DELETE" })).status).toBe(204);
      expect(() => readFileSync(file)).toThrow();
      expect(f.pool.summary()).toMatchObject({ total: 0 });
    } finally {
      dir.remove();
    }
  });

  test("shows the model map in the order its entries are tried", async () => {
    await using f = await startAdminFixture({ modelMap: ["claude-*=gemini-3-pro-preview", "my-model=*"] });
    const { body } = await f.callJson("/admin/pool");
    expect(body.modelMap).toEqual([
      { pattern: "my-model", target: "*", source: "setting" },
      { pattern: "claude-*", target: "gemini-3-pro-preview", source: "setting" },
      ...BUILT_IN_MODEL_MAP.map((text) => {
        const [pattern, target] = text.split("=");
        return { pattern, target, source: "built-in" };
      }),
    ]);
    expect(body.modelMap).toContainEqual({
      pattern: "claude-*haiku*",
      target: "gemini-2.5-flash",
      source: "built-in",
    });
  });
});
