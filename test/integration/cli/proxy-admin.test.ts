/** The admin API as the running proxy serves it: wired in, refused without GRANTPOOL_ADMIN_KEY. */
import { describe, expect, test } from "bun:test";
import { startCliFixture } from "../../support/cli-fixture.ts";
import { startProxyProcess } from "../../support/proxy-process.ts";

const ADMIN_KEY = "admin-key-for-tests-0123456789";

describe("the proxy's admin API", () => {
  test("is refused when GRANTPOOL_ADMIN_KEY is unset", async () => {
    await using f = await startCliFixture();
    await using proxy = await startProxyProcess(f.env);
    const reply = await fetch(`${proxy.url}/admin/accounts`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(reply.status).toBe(403);
  });

  test("adds an account that serves at once, next to strict client auth", async () => {
    await using f = await startCliFixture({
      GRANTPOOL_ADMIN_KEY: ADMIN_KEY,
      GRANTPOOL_AUTH_MODE: "strict",
      GRANTPOOL_API_KEYS: "client-key",
    });
    await using proxy = await startProxyProcess(f.env, { readyHeaders: { "x-api-key": "client-key" } });
    const token = f.google.addIdentity({ email: "frank@example.com" });
    const added = await fetch(`${proxy.url}/admin/accounts`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: token }),
    });
    expect(added.status).toBe(201);
    const reply = await fetch(`${proxy.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: "POST",
      headers: { "x-api-key": "client-key", "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(reply.status).toBe(200);
    expect(await reply.text()).toContain("answered by frank@example.com");
    const openapi = await fetch(`${proxy.url}/admin/openapi.json`, { headers: { "x-api-key": ADMIN_KEY } });
    expect(openapi.status).toBe(200);
    for (const line of proxy.logLines) {
      expect(line).not.toContain(token);
      expect(line).not.toContain(ADMIN_KEY);
    }
  });
});
