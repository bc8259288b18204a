/** Client authentication modes and key sources (SPEC §6.2); keys never travel upstream. */
import { describe, expect, test } from "bun:test";
import { effectiveAuthMode, isLoopbackHost } from "../../../src/proxy/client-auth.ts";
import { HELLO, startAppFixture } from "../../support/app-fixture.ts";

const A = "alice@example.com";
const KEY = "gp-test-key-0123456789";
const CALL = "http://localhost/v1beta/models/m:generateContent";

const post = (url: string, headers: Record<string, string> = {}) =>
  new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(HELLO),
  });

describe("client authentication", () => {
  test("auto is off on loopback and all_except_health elsewhere", () => {
    expect(effectiveAuthMode("auto", "127.0.0.1")).toBe("off");
    expect(effectiveAuthMode("auto", "::1")).toBe("off");
    expect(effectiveAuthMode("auto", "localhost")).toBe("off");
    expect(effectiveAuthMode("auto", "0.0.0.0")).toBe("all_except_health");
    expect(effectiveAuthMode("auto", "10.1.2.3")).toBe("all_except_health");
    expect(isLoopbackHost("127.8.9.10")).toBe(true);
  });

  test("off serves without a key", async () => {
    await using f = await startAppFixture({ emails: [A], authMode: "off" });
    expect((await f.app.handle(post(CALL))).status).toBe(200);
  });

  test("accepts the key from Authorization, x-api-key, x-goog-api-key and ?key=, and never forwards it", async () => {
    await using f = await startAppFixture({
      emails: [A],
      authMode: "all_except_health",
      apiKeys: ["other", KEY],
    });
    const sources = [
      post(CALL, { authorization: `Bearer ${KEY}` }),
      post(CALL, { "x-api-key": KEY }),
      post(CALL, { "x-goog-api-key": KEY }),
      post(`${CALL}?key=${KEY}`),
    ];
    for (const request of sources) expect((await f.app.handle(request)).status).toBe(200);
    expect(f.google.upstreamRequests).toHaveLength(4);
    for (const sent of f.google.upstreamRequests) {
      expect(JSON.stringify(sent)).not.toContain(KEY);
      expect(sent.query.key).toBeUndefined();
    }
  });

  test("a missing or wrong key gets 401 in Gemini's error format", async () => {
    await using f = await startAppFixture({ emails: [A], authMode: "all_except_health", apiKeys: [KEY] });
    const missing = await f.app.handle(post(CALL));
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED" } });
    const wrong = await f.app.handle(post(CALL, { "x-goog-api-key": `${KEY}x` }));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe("invalid API key");
    expect(f.google.calls.upstream).toBe(0);
  });

  test("all_except_health leaves health open; strict guards it too", async () => {
    await using open = await startAppFixture({ emails: [A], authMode: "all_except_health", apiKeys: [KEY] });
    expect((await open.app.handle(new Request("http://localhost/healthz"))).status).toBe(200);
    expect((await open.app.handle(new Request("http://localhost/readyz"))).status).toBe(200);
    await using strict = await startAppFixture({ emails: [A], authMode: "strict", apiKeys: [KEY] });
    expect((await strict.app.handle(new Request("http://localhost/healthz"))).status).toBe(401);
    expect((await strict.app.handle(new Request("http://localhost/readyz"))).status).toBe(401);
    const authorized = new Request("http://localhost/healthz", { headers: { "x-api-key": KEY } });
    expect((await strict.app.handle(authorized)).status).toBe(200);
  });

  test("unknown routes answer 404 in the client protocol's format", async () => {
    await using f = await startAppFixture({ emails: [A] });
    const reply = await f.app.handle(new Request("http://localhost/v2/nothing"));
    expect(reply.status).toBe(404);
    expect(await reply.json()).toMatchObject({ error: { code: 404, status: "NOT_FOUND" } });
  });
});
