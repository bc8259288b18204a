/**
 * A real `grantpool proxy` process exports over OTLP/HTTP (protobuf) to a receiver in the test,
 * which decodes the requests on its own: the invalid_grant story arrives as a disable log event,
 * a counter, and a request span with its children; the recovery likewise; and no secret is in
 * any byte that was sent.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type CliFixture, startCliFixture } from "../../support/cli-fixture.ts";
import type { OtlpReceiver } from "../../support/otlp-receiver.ts";
import { startOtlpReceiver } from "../../support/otlp-receiver.ts";
import { type ProxyProcess, startProxyProcess } from "../../support/proxy-process.ts";
import { runCli } from "../../support/run-cli.ts";
import { waitFor } from "../../support/wait-for.ts";

const CALL = "/v1beta/models/gemini-2.5-flash:generateContent";
const KEY = `client-key-${crypto.randomUUID()}`;

let fixture: CliFixture;
let receiver: OtlpReceiver;
let proxy: ProxyProcess;
const refreshTokens: string[] = [];
let aliceId = "";

async function add(token: string): Promise<void> {
  const added = await runCli(["accounts", "add", "--refresh-token", token], { env: fixture.env });
  expect(added.code).toBe(0);
}

async function ask(): Promise<number> {
  const reply = await fetch(`${proxy.url}${CALL}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": KEY },
    body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hello" }] }] }),
  });
  await reply.text();
  return reply.status;
}

function accessTokens(): string[] {
  const dir = join(fixture.dataDir, "accounts");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .map(
      (file) =>
        (JSON.parse(readFileSync(join(dir, file), "utf8")) as { token: { access_token: string } }).token,
    )
    .map((token) => token.access_token)
    .filter((token) => token !== "");
}

beforeAll(async () => {
  fixture = await startCliFixture();
  receiver = await startOtlpReceiver();
  refreshTokens.push(fixture.google.addIdentity({ email: "alice@example.com" }));
  refreshTokens.push(fixture.google.addIdentity({ email: "bob@example.com" }));
  for (const token of refreshTokens) await add(token);
  const listed = JSON.parse((await runCli(["accounts", "list", "--json"], { env: fixture.env })).stdout) as {
    id: string;
    email: string;
  }[];
  aliceId = listed.find((account) => account.email === "alice@example.com")?.id ?? "";
  proxy = await startProxyProcess(
    {
      ...fixture.env,
      GRANTPOOL_API_KEYS: KEY,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_METRIC_EXPORT_INTERVAL: "200",
      OTEL_BSP_SCHEDULE_DELAY: "50",
      OTEL_BLRP_SCHEDULE_DELAY: "50",
      POD_NAME: "grantpool-proxy-0",
      POD_NAMESPACE: "ai",
    },
    { args: ["--auth-mode", "strict"], readyHeaders: { "x-goog-api-key": KEY } },
  );
}, 30_000);

afterAll(async () => {
  await proxy?.stop();
  await receiver?.stop();
  await fixture?.[Symbol.asyncDispose]();
});

describe("OTLP export", () => {
  test("the disable arrives as a log event, a counter of one and an event on the request's span", async () => {
    fixture.google.revoke(refreshTokens[0] ?? "");
    fixture.google.expireAccessTokens();
    expect([await ask(), await ask(), await ask()]).toEqual([200, 200, 200]);

    const event = await receiver.waitForLog("grantpool.account.disabled");
    expect(event.attributes).toMatchObject({
      "grantpool.account.id": aliceId,
      "grantpool.disable.reason": "invalid_grant",
      "grantpool.store": "file",
    });
    expect(event.resource).toMatchObject({
      "service.name": "grantpool",
      "grantpool.mode": "proxy",
      "k8s.pod.name": "grantpool-proxy-0",
      "k8s.namespace.name": "ai",
    });
    const counter = await receiver.waitForMetric(
      (metric) => metric.name === "grantpool.account.disables" && metric.points.length > 0,
    );
    expect(counter.type).toBe("sum");
    expect(counter.points.map((point) => [point.attributes.reason, point.value])).toEqual([
      ["invalid_grant", 1],
    ]);

    const server = await receiver.waitForSpan(
      (span) => span.kind === "server" && span.events.some((e) => e.name === "grantpool.account.disabled"),
    );
    expect(server.name).toBe("POST /v1beta/models/{model}:generateContent");
    expect(event.traceId).toBe(server.traceId);
    await receiver.waitUntil(() =>
      receiver.spans.some(
        (span) => span.parentSpanId === server.spanId && span.name === "upstream generateContent",
      ),
    );
    const children = receiver.spans
      .filter((span) => span.parentSpanId === server.spanId)
      .map((span) => span.name);
    expect(children).toContain("grantpool.token.refresh");
  });

  test("the recovery arrives as a log event and a counter of one", async () => {
    const fresh = fixture.google.mintRefreshToken("alice@example.com");
    refreshTokens.push(fresh);
    await add(fresh);
    const event = await receiver.waitForLog("grantpool.account.recovered");
    expect(event.attributes).toMatchObject({ "grantpool.account.id": aliceId });
    const counter = await receiver.waitForMetric(
      (metric) => metric.name === "grantpool.account.recoveries" && metric.points.length > 0,
    );
    expect(counter.points.map((point) => point.value)).toEqual([1]);
  });

  test("each request's duration arrives in the http.server.request.duration histogram, by method, route and status", async () => {
    expect(await ask()).toBe(200);
    const histogram = await receiver.waitForMetric(
      (metric) =>
        metric.name === "http.server.request.duration" &&
        metric.points.some(
          (point) =>
            point.attributes["http.route"] === "/v1beta/models/{model}:generateContent" &&
            point.attributes["http.response.status_code"] === 200 &&
            Number(point.count) >= 1,
        ),
    );
    expect(histogram).toMatchObject({ type: "histogram", unit: "s", temporality: "cumulative" });
    expect(histogram.scope.name).toBe("grantpool");
    expect(histogram.resource["service.name"]).toBe("grantpool");
    const point = histogram.points.find(
      (p) => p.attributes["http.route"] === "/v1beta/models/{model}:generateContent",
    );
    expect(point?.attributes["http.request.method"]).toBe("POST");
    expect(point?.bounds?.length).toBeGreaterThan(0);
    expect(point?.buckets?.length).toBe((point?.bounds?.length ?? 0) + 1);
    expect(point?.buckets?.map(Number).reduce((a, b) => a + b, 0)).toBe(Number(point?.count));
    expect(point?.sum).toBeGreaterThan(0);
  });

  test("no refresh token, access token or client key is in any byte sent to the receiver", async () => {
    expect(await ask()).toBe(200);
    await receiver.waitForMetric((metric) => metric.name === "grantpool.upstream.requests");
    const secrets = [KEY, ...refreshTokens, ...accessTokens()];
    expect(secrets.length).toBeGreaterThan(4);
    expect(receiver.rawBodies.length).toBeGreaterThan(3);
    for (const secret of secrets) expect(receiver.rawBodiesContain(secret)).toBe(false);
  });
});

describe("a failing collector", () => {
  test("costs no answers, and each complaint of the SDK is logged in one line, once a minute at most", async () => {
    let exports = 0;
    // A collector that refuses every export (400 is not retried): each interval fails anew.
    using collector = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => {
        exports += 1;
        return new Response("no", { status: 400 });
      },
    });
    await using failing = await startProxyProcess(
      {
        ...fixture.env,
        GRANTPOOL_API_KEYS: KEY,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.port}`,
        OTEL_METRIC_EXPORT_INTERVAL: "50",
        OTEL_BSP_SCHEDULE_DELAY: "20",
      },
      { args: ["--auth-mode", "strict"], readyHeaders: { "x-goog-api-key": KEY } },
    );
    const previous = proxy;
    proxy = failing;
    try {
      for (let i = 0; i < 3; i++) expect(await ask()).toBe(200);
    } finally {
      proxy = previous;
    }
    await waitFor(() => exports >= 10, { timeoutMs: 10_000, message: "ten failed exports" });
    const messages = failing.logLines
      .filter((line) => line.includes("OpenTelemetry:"))
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.length).toBe(new Set(messages).size);
    expect(messages.join("\n")).not.toContain("stack");
  });
});
