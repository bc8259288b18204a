/**
 * SPEC §9 through the proxy's routes with in-memory exporters: what one invalid_grant, one
 * forbidden account and one recovery leave in the metrics, the log events and the traces.
 */
import { describe, expect, test } from "bun:test";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { createAdminRoutes } from "../../../src/proxy/admin/admin-routes.ts";
import { servedHandler } from "../../../src/proxy/served-handler.ts";
import { type AppFixture, startAppFixture } from "../../support/app-fixture.ts";
import { createInMemoryTelemetry, type InMemoryTelemetry } from "../../support/in-memory-telemetry.ts";

const A = "alice@example.com";
const B = "bob@example.com";
const CALL = "gemini-2.5-flash:generateContent";
const SERVER_SPAN = "POST /v1beta/models/{model}:generateContent";

function serverSpans(t: InMemoryTelemetry): ReadableSpan[] {
  return t.spans().filter((span) => span.name === SERVER_SPAN);
}

function childrenOf(t: InMemoryTelemetry, parent: ReadableSpan): ReadableSpan[] {
  return t
    .spans()
    .filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId)
    .sort((x, y) => x.startTime[0] - y.startTime[0] || x.startTime[1] - y.startTime[1]);
}

async function stateGauge(t: InMemoryTelemetry): Promise<Record<string, number>> {
  const points = await t.points("grantpool.accounts");
  return Object.fromEntries(points.map((point) => [String(point.attributes.state), Number(point.value)]));
}

async function withTelemetry(emails: string[]): Promise<{ f: AppFixture; t: InMemoryTelemetry }> {
  const t = createInMemoryTelemetry();
  const f = await startAppFixture({ emails, telemetry: t.telemetry });
  return { f, t };
}

describe("account telemetry", () => {
  test("one invalid_grant counts one disable, emits one log event and marks the request's span, even when ten requests race on it", async () => {
    const { f, t } = await withTelemetry([A, B]);
    await using _ = f;
    f.google.revoke(f.account(A).token.refreshToken);
    const replies = await Promise.all(Array.from({ length: 10 }, () => f.gemini(CALL)));
    expect(replies.map((reply) => reply.status)).toEqual(Array(10).fill(200));
    await Promise.all(replies.map((reply) => reply.text()));

    expect(await t.counter("grantpool.account.disables", { reason: "invalid_grant" })).toBe(1);
    expect(await t.counter("grantpool.account.disables")).toBe(1);
    const events = t.logRecords().filter((record) => record.eventName === "grantpool.account.disabled");
    expect(events).toHaveLength(1);
    expect(events[0]?.attributes).toMatchObject({
      "event.name": "grantpool.account.disabled",
      "grantpool.account.id": "id-alice",
      "grantpool.disable.reason": "invalid_grant",
      "grantpool.store": "memory",
    });
    const marked = serverSpans(t).filter((span) =>
      span.events.some((event) => event.name === "grantpool.account.disabled"),
    );
    expect(marked).toHaveLength(1);
    expect(marked[0]?.events.find((e) => e.name === "grantpool.account.disabled")?.attributes).toMatchObject({
      "grantpool.account.id": "id-alice",
      "grantpool.disable.reason": "invalid_grant",
    });
    expect(await t.counter("grantpool.token.refreshes", { outcome: "invalid_grant" })).toBe(1);
  });

  test("a recovery through the admin API counts once, emits one log event and marks the admin request's span", async () => {
    const { f, t } = await withTelemetry([A, B]);
    await using _ = f;
    f.google.revoke(f.account(A).token.refreshToken);
    await Promise.all([f.gemini(CALL), f.gemini(CALL)]);
    expect((await f.store.get("id-alice"))?.disabled).toBe(true);

    const adminKey = `admin-${crypto.randomUUID()}`;
    const admin = createAdminRoutes({
      pool: f.pool,
      store: f.store,
      enroll: {
        oauth: f.oauth,
        store: f.store,
        clock: f.clock,
        newId: () => "unused",
      },
      adminKey,
      clock: f.clock,
      log: f.log.logger,
    });
    const handle = servedHandler(admin, t.telemetry);
    const reply = await handle(
      new Request("http://localhost/admin/accounts", {
        method: "POST",
        headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
        body: JSON.stringify({ refresh_token: f.google.mintRefreshToken(A) }),
      }),
    );
    expect(reply.status).toBe(200);
    expect(await reply.text()).toContain("recovered");

    expect(await t.counter("grantpool.account.recoveries", { "grantpool.account.id": "id-alice" })).toBe(1);
    const events = t.logRecords().filter((record) => record.eventName === "grantpool.account.recovered");
    expect(events).toHaveLength(1);
    expect(events[0]?.attributes).toMatchObject({
      "grantpool.account.id": "id-alice",
      "grantpool.store": "memory",
    });
    const adminSpan = t.spans().find((span) => span.name === "POST /admin/accounts");
    expect(adminSpan?.events.map((event) => event.name)).toEqual(["grantpool.account.recovered"]);
  });

  test("a recovery seen in the store, outside any request, is recorded on a span of its own", async () => {
    const { f, t } = await withTelemetry([A, B]);
    await using _ = f;
    f.google.revoke(f.account(A).token.refreshToken);
    await Promise.all([f.gemini(CALL), f.gemini(CALL)]);
    const fresh = f.google.mintRefreshToken(A);
    await f.store.update("id-alice", (account) => ({
      ...account,
      disabled: false,
      token: { ...account.token, refreshToken: fresh, accessToken: "" },
    }));
    expect(await t.counter("grantpool.account.recoveries")).toBe(1);
    const own = t.spans().filter((span) => span.name === "grantpool.pool.change");
    expect(own.flatMap((span) => span.events.map((event) => event.name))).toEqual([
      "grantpool.account.recovered",
    ]);
  });

  test("three 403s in a row count one disable with reason forbidden", async () => {
    const { f, t } = await withTelemetry([A, B]);
    await using _ = f;
    f.google.failUpstream({ kind: "permission_denied" }, { forAccessTokenOf: A });
    for (let i = 0; i < 4; i++) {
      expect((await f.gemini(CALL)).status).toBe(200);
      f.clock.advanceSeconds(600);
    }
    expect(await t.counter("grantpool.account.disables", { reason: "forbidden" })).toBe(1);
    expect(await t.counter("grantpool.upstream.requests", { status_class: "4xx" })).toBe(3);
  });

  test("grantpool.accounts{state} follows the pool at each collection", async () => {
    const { f, t } = await withTelemetry([A, B, "carol@example.com"]);
    await using _ = f;
    expect(await stateGauge(t)).toEqual({ active: 3, disabled: 0, proxy_disabled: 0, cooldown: 0 });
    f.google.revoke(f.account(A).token.refreshToken);
    f.google.failUpstream({ kind: "server_error", status: 503 }, { forAccessTokenOf: B, times: 1 });
    for (let i = 0; i < 3; i++) await f.gemini(CALL);
    expect(await stateGauge(t)).toEqual({ active: 1, disabled: 1, proxy_disabled: 0, cooldown: 1 });
    f.clock.advanceSeconds(6);
    expect(await stateGauge(t)).toEqual({ active: 2, disabled: 1, proxy_disabled: 0, cooldown: 0 });
  });

  test("a proxied request is a server span with child spans for each refresh and each upstream attempt", async () => {
    const { f, t } = await withTelemetry([A, B]);
    await using _ = f;
    f.google.failUpstream({ kind: "server_error", status: 503 }, { forAccessTokenOf: A, times: 1 });
    const reply = await f.gemini(CALL);
    expect(reply.status).toBe(200);
    await reply.text();

    const [server] = serverSpans(t);
    expect(server).toBeDefined();
    if (server === undefined) return;
    expect(server.attributes).toMatchObject({
      "http.request.method": "POST",
      "http.route": "/v1beta/models/{model}:generateContent",
      "http.response.status_code": 200,
    });
    const children = childrenOf(t, server);
    expect(children.map((span) => [span.name, span.attributes["grantpool.account.id"]])).toEqual([
      ["grantpool.token.refresh", "id-alice"],
      ["upstream generateContent", "id-alice"],
      ["grantpool.token.refresh", "id-bob"],
      ["upstream generateContent", "id-bob"],
    ]);
    expect(children.map((span) => span.attributes["http.response.status_code"])).toEqual([
      undefined,
      503,
      undefined,
      200,
    ]);
    for (const child of children) expect(child.spanContext().traceId).toBe(server.spanContext().traceId);
    expect(await t.counter("grantpool.upstream.requests", { status_class: "5xx" })).toBe(1);
    expect(await t.counter("grantpool.upstream.requests", { status_class: "2xx" })).toBe(1);
    const durations = await t.points("http.server.request.duration");
    expect(durations.map((point) => point.attributes)).toContainEqual({
      "http.request.method": "POST",
      "http.route": "/v1beta/models/{model}:generateContent",
      "http.response.status_code": 200,
    });
  });

  test("a streamed reply ends its server span only after the last event reached the client", async () => {
    const { f, t } = await withTelemetry([A]);
    await using _ = f;
    const hold = f.google.holdStream();
    const pending = f.gemini("gemini-2.5-flash:streamGenerateContent?alt=sse");
    hold.releaseNext();
    const reply = await pending;
    expect(reply.status).toBe(200);
    const reader = reply.body?.getReader();
    if (reader === undefined) throw new Error("no body");
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("data:");
    const streamSpans = () =>
      t.spans().filter((span) => span.name === "POST /v1beta/models/{model}:streamGenerateContent");
    expect(streamSpans()).toHaveLength(0);
    hold.releaseAll();
    while (!(await reader.read()).done) {}
    expect(streamSpans()).toHaveLength(1);
  });
});

describe("telemetry and secrets", () => {
  test("no refresh token, access token or client key appears in any metric, log event or span", async () => {
    const t = createInMemoryTelemetry();
    const key = `client-key-${crypto.randomUUID()}`;
    const f = await startAppFixture({
      emails: [A, B],
      telemetry: t.telemetry,
      authMode: "strict",
      apiKeys: [key],
    });
    await using _ = f;
    const accessTokens = new Set<string>();
    const remember = async () => {
      for (const id of ["id-alice", "id-bob"]) {
        const token = (await f.store.get(id))?.token.accessToken;
        if (token) accessTokens.add(token);
      }
    };
    const call = async (path = CALL) => {
      const reply = await f.gemini(path, undefined, { "x-goog-api-key": key });
      await reply.text();
      await remember();
      return reply.status;
    };
    expect(await call()).toBe(200);
    expect(await call(`${CALL}?key=${key}`)).toBe(200);
    f.google.revoke(f.account(A).token.refreshToken);
    f.google.expireAccessTokens();
    f.clock.advanceSeconds(3600);
    expect(await call()).toBe(200);
    expect(await call()).toBe(200);
    const fresh = f.google.mintRefreshToken(A);
    await f.store.update("id-alice", (account) => ({
      ...account,
      disabled: false,
      token: { ...account.token, refreshToken: fresh, accessToken: "" },
    }));
    expect(await call()).toBe(200);
    expect(await call()).toBe(200);
    expect(await t.counter("grantpool.account.disables")).toBe(1);
    expect(await t.counter("grantpool.account.recoveries")).toBe(1);

    const exported = await t.everything();
    const secrets = [key, fresh, ...f.secrets, ...accessTokens];
    expect(accessTokens.size).toBeGreaterThan(1);
    for (const secret of secrets) expect(exported).not.toContain(secret);
  });
});
