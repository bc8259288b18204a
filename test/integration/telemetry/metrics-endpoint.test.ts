/** `GET /metrics`: on by default, open like the probes in all_except_health, guarded in strict, and switchable off. */
import { describe, expect, test } from "bun:test";
import { startAppFixture } from "../../support/app-fixture.ts";
import { startCliFixture } from "../../support/cli-fixture.ts";
import { createInMemoryTelemetry } from "../../support/in-memory-telemetry.ts";
import { sampleSum } from "../../support/prometheus-text.ts";
import { startProxyProcess } from "../../support/proxy-process.ts";

const KEY = "gp-metrics-key-0123456789";
const metrics = new Request("http://localhost/metrics");

describe("GET /metrics", () => {
  test("serves the Prometheus text format without a key in all_except_health", async () => {
    await using f = await startAppFixture({
      emails: ["alice@example.com"],
      telemetry: createInMemoryTelemetry().telemetry,
      authMode: "all_except_health",
      apiKeys: [KEY],
    });
    const reply = await f.handle(metrics);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(sampleSum(await reply.text(), "grantpool_accounts", { state: "active" })).toBe(1);
  });

  test("wants a key in strict mode", async () => {
    await using f = await startAppFixture({
      emails: ["alice@example.com"],
      telemetry: createInMemoryTelemetry().telemetry,
      authMode: "strict",
      apiKeys: [KEY],
    });
    expect((await f.handle(metrics)).status).toBe(401);
    expect(
      (await f.handle(new Request(metrics, { headers: { authorization: `Bearer ${KEY}` } }))).status,
    ).toBe(200);
  });

  test("is on by default in a proxy process, and --metrics=false or OTEL_SDK_DISABLED turn it off", async () => {
    await using fixture = await startCliFixture();
    {
      await using on = await startProxyProcess(fixture.env);
      const reply = await fetch(`${on.url}/metrics`);
      expect(reply.status).toBe(200);
      const text = await reply.text();
      expect(text).toContain('grantpool_mode="proxy"');
      expect(sampleSum(text, "grantpool_accounts", { state: "active" })).toBe(0);
    }
    for (const [env, args] of [
      [{}, ["--metrics=false"]],
      [{ OTEL_SDK_DISABLED: "true" }, []],
    ] as const) {
      await using off = await startProxyProcess({ ...fixture.env, ...env }, { args });
      const reply = await fetch(`${off.url}/metrics`);
      expect(reply.status).toBe(404);
      expect(await reply.text()).toContain("metrics are off");
      expect((await fetch(`${off.url}/healthz`)).status).toBe(200);
    }
  });
});
