/** Who may call /admin (SPEC §7): only the admin key, compared in constant time; nobody when it is unset. */
import { describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { createAdminRoutes } from "../../../src/proxy/admin/admin-routes.ts";
import { startAdminFixture } from "../../support/admin-fixture.ts";

const A = "alice@example.com";

/** One request per admin route, with a body where the route takes one. */
const EVERY_ROUTE: readonly { path: string; method: string; body?: unknown }[] = [
  { path: "/admin/accounts", method: "GET" },
  { path: "/admin/accounts", method: "POST", body: { refresh_token: "1//not-checked" } },
  { path: "/admin/accounts/id-alice/enable", method: "POST" },
  { path: "/admin/accounts/id-alice/disable", method: "POST" },
  { path: "/admin/accounts/id-alice", method: "DELETE" },
  { path: "/admin/reload", method: "POST" },
  { path: "/admin/pool", method: "GET" },
  { path: "/admin/openapi.json", method: "GET" },
];

describe("admin authentication", () => {
  test("every admin route, openapi.json included, answers 403 saying why when GRANTPOOL_ADMIN_KEY is unset", async () => {
    await using f = await startAdminFixture({ emails: [A], adminKey: null });
    for (const route of EVERY_ROUTE) {
      const reply = await f.callJson(route.path, { ...route, key: "anything" });
      expect({ route: `${route.method} ${route.path}`, ...reply }).toMatchObject({
        status: 403,
        body: { error: { code: 403, status: "PERMISSION_DENIED" } },
      });
      const { message } = (reply.body.error ?? {}) as { message?: string };
      expect(message).toContain("GRANTPOOL_ADMIN_KEY is unset");
    }
    // Nothing was touched.
    expect(f.pool.summary()).toMatchObject({ total: 1, active: 1 });
    expect(await f.store.get("id-alice")).toBeDefined();
    expect(f.google.calls.refresh).toBe(0);
  });

  test("a request without a key gets 401 in Google's error shape with a WWW-Authenticate challenge", async () => {
    await using f = await startAdminFixture({ emails: [A] });
    for (const route of EVERY_ROUTE) {
      const response = await f.call(route.path, { ...route, key: null });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toStartWith("Bearer");
      expect(await response.json()).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED" } });
    }
    expect(await f.store.get("id-alice")).toMatchObject({ proxyDisabled: false });
  });

  test("a wrong key gets 401 whether sent as a bearer token or as x-api-key, and is never echoed", async () => {
    await using f = await startAdminFixture({ emails: [A] });
    const wrong = `${f.adminKey}x`;
    const asBearer = await f.call("/admin/accounts", { key: wrong });
    const asApiKey = await f.call("/admin/accounts", { key: null, headers: { "x-api-key": wrong } });
    const prefix = await f.call("/admin/accounts", { key: f.adminKey?.slice(0, -1) ?? "" });
    for (const response of [asBearer, asApiKey, prefix]) {
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(f.adminKey ?? "");
    }
  });

  test("the admin key is accepted as a bearer token (any scheme case) and as x-api-key", async () => {
    await using f = await startAdminFixture({ emails: [A] });
    const key = f.adminKey ?? "";
    expect((await f.call("/admin/pool")).status).toBe(200);
    const lowerScheme = await f.call("/admin/pool", {
      key: null,
      headers: { authorization: `bearer ${key}` },
    });
    expect(lowerScheme.status).toBe(200);
    const apiKey = await f.call("/admin/pool", { key: null, headers: { "x-api-key": key } });
    expect(apiKey.status).toBe(200);
  });

  test("a key of another scheme (Basic) or a client API key does not grant admin", async () => {
    await using f = await startAdminFixture({ emails: [A] });
    const basic = await f.call("/admin/pool", {
      key: null,
      headers: { authorization: `Basic ${btoa(`admin:${f.adminKey ?? ""}`)}` },
    });
    expect(basic.status).toBe(401);
    const clientKey = await f.call("/admin/pool", { key: "client-key-from-GRANTPOOL_API_KEYS" });
    expect(clientKey.status).toBe(401);
  });

  test("the admin key never appears in the log, even while the API is used and refused", async () => {
    await using f = await startAdminFixture({ emails: [A] });
    await f.call("/admin/accounts/id-alice/disable", { method: "POST" });
    await f.call("/admin/accounts/id-alice/enable", { method: "POST", key: "wrong" });
    expect(f.log.lines.length).toBeGreaterThan(0);
    expect(f.log.lines.filter((line) => line.includes(f.adminKey ?? "\u0000"))).toEqual([]);
  });

  test("mounted in an app, the admin key check and error format stay inside /admin", async () => {
    await using f = await startAdminFixture({ emails: [A] });
    const app = new Elysia()
      .get("/healthz", () => ({ status: "ok" }))
      .use(createAdminRoutes(f.deps))
      .get("/after", () => "after");
    const get = (path: string) => app.handle(new Request(`http://localhost${path}`));
    expect((await get("/healthz")).status).toBe(200);
    expect(await (await get("/after")).text()).toBe("after");
    expect((await get("/admin/pool")).status).toBe(401);
  });
});
