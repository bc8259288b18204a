/**
 * The Grafana dashboard against a real Prometheus (Debian's package) scraping two proxy replicas
 * and the operator while the invalid_grant story plays on Kubernetes: a token is revoked, the
 * Account is disabled, the Secret is rotated, it recovers, and a burst of upstream 503s reaches a
 * client. The replicas serve Cloud Code Assist with quota protection on, and one account runs
 * low on Claude quota: it lands in status.quota, shows in `kubectl get gpa`, and both replicas
 * skip it for Claude only. Then every PromQL expression of the dashboard returns data, and the
 * disable counter reads 1. The same processes export over OTLP to a receiver in the test.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { evaluateDashboardQueries, SHIPPED_DASHBOARD } from "../support/dashboard-queries.ts";
import { type OtlpReceiver, startOtlpReceiver } from "../support/otlp-receiver.ts";
import { type PrometheusServer, startPrometheus } from "../support/prometheus-server.ts";
import type { ProxyProcess } from "../support/proxy-process.ts";
import { waitFor } from "../support/wait-for.ts";
import { useKubeServer } from "./support/kube-fixture.ts";
import { ask, type KubeStory, startCast, startKubeStory, waitUntilServedBy } from "./support/kube-story.ts";

const kube = useKubeServer();
let story: KubeStory;
let replicas: ProxyProcess[];
let operator: ProxyProcess;
let prometheus: PrometheusServer;
let tokens = new Map<string, string>();
let receiver: OtlpReceiver;

const hostPort = (process: ProxyProcess) => new URL(process.url).host;

beforeAll(async () => {
  story = await startKubeStory(kube, "dashboard");
  receiver = await startOtlpReceiver();
  const otlp = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_METRIC_EXPORT_INTERVAL: "500",
    OTEL_BSP_SCHEDULE_DELAY: "50",
    OTEL_BLRP_SCHEDULE_DELAY: "50",
  };
  const quota = {
    GRANTPOOL_UPSTREAM_PROFILE: "code-assist",
    GRANTPOOL_QUOTA_PROTECTION: "10",
    GRANTPOOL_QUOTA_REFRESH_INTERVAL: "1",
    // Cloud Code serves Claude itself: keep the names (the built-in map sends them to Gemini).
    GRANTPOOL_MODEL_MAP: "claude-*=*",
  };
  ({ tokens, replicas, operator } = await startCast(story, ["ada", "bob", "cy"], { ...otlp, ...quota }));
  // cy runs low on Claude quota; the replicas' next sweeps find it.
  for (const model of ["claude-sonnet-4-5", "claude-sonnet-4-5-thinking", "claude-opus-4-5-thinking"])
    story.google.setQuota("cy@example.com", model, { remainingFraction: 0.04 });
  await waitFor(async () => (await story.status("cy")).quota?.lowestRemainingPercent === 4, {
    timeoutMs: 15_000,
    message: "cy's low quota in status.quota",
  });
  prometheus = await startPrometheus({ targets: [...replicas, operator].map(hostPort) });
  await prometheus.waitForScrapes(1, { timeoutMs: 30_000 });

  // The story: bob's token is revoked and bob disabled while clients keep getting answers …
  story.google.revoke(tokens.get("bob") ?? "");
  story.google.expireAccessTokens();
  for (let i = 0; i < 8; i++) expect((await ask(replicas[i % 2] as ProxyProcess)).status).toBe(200);
  await waitFor(async () => (await story.status("bob")).disabled === true, { timeoutMs: 10_000 });
  // … a new token in the Secret brings bob back in both replicas …
  await story.rotateSecret("bob", story.google.mintRefreshToken("bob@example.com"));
  for (const replica of replicas) await waitUntilServedBy(replica, `${story.ns}/bob`, 10_000);
  // … and one request meets 503s from every account it tries (the error panels need a 5xx).
  story.google.failUpstream({ kind: "server_error", status: 503 }, { times: 3 });
  expect((await ask(replicas[0] as ProxyProcess)).status).toBe(503);
  await prometheus.waitForScrapeAfter(new Date(), { timeoutMs: 15_000 });
  await prometheus.waitForScrapeAfter(new Date(), { timeoutMs: 15_000 });
}, 120_000);

afterAll(async () => {
  // The processes first: they export to the receiver and are scraped by Prometheus.
  await story?.[Symbol.asyncDispose]();
  await prometheus?.stop();
  await receiver?.stop();
});

describe("quota on Kubernetes", () => {
  test("status.quota holds the quota per model, and kubectl get gpa shows the lowest percent", async () => {
    const status = await story.status("cy");
    expect(status.quota?.models).toContainEqual({
      name: "claude-sonnet-4-5",
      remainingPercent: 4,
      resetTime: expect.any(String),
    });
    expect(status.quota?.forbidden).toBe(false);
    expect(status.quota?.subscriptionTier).toBe("free-tier");
    const listed = (await kube.kubectl(["get", "gpa", "-n", story.ns])).stdout;
    expect(listed).toMatch(/NAME\s+EMAIL\s+READY\s+DISABLED\s+REASON\s+QUOTA\s+AGE/);
    expect(listed).toMatch(/\ncy\s+cy@example\.com\s+True\s+Active\s+4\s/);
  });

  test("both replicas skip cy for Claude and keep it for Gemini", async () => {
    for (const replica of replicas) {
      await waitFor(() => replica.logLines.some((line) => line.includes("protected for claude")), {
        timeoutMs: 10_000,
        message: "the replica's protection of cy",
      });
      const claude = new Set<string | null>();
      for (let i = 0; i < 6; i++) claude.add((await ask(replica, "claude-sonnet-4-5")).account);
      expect(claude.has(`${story.ns}/cy`)).toBe(false);
      await waitUntilServedBy(replica, `${story.ns}/cy`, 10_000);
    }
  });
});

describe("the dashboard on a real Prometheus", () => {
  test("the disable counter reads 1 across the replicas, for bob, with reason invalid_grant", async () => {
    const series = await prometheus.query(
      "sum by (reason, grantpool_account_id) (grantpool_account_disables_total)",
    );
    expect(series.map((s) => [s.metric.reason, s.metric.grantpool_account_id, s.value?.[1]])).toEqual([
      ["invalid_grant", `${story.ns}/bob`, "1"],
    ]);
  });

  test("every expression of the dashboard returns data", async () => {
    const dashboard = JSON.parse(readFileSync(SHIPPED_DASHBOARD, "utf8")) as unknown;
    const results = await evaluateDashboardQueries(prometheus, dashboard, {
      account: ".*",
      datasource: "prometheus",
    });
    expect(results.length).toBeGreaterThan(15);
    const empty = results
      .filter((result) => result.resultCount === 0)
      .map((r) => `${r.panelTitle} ${r.refId}: ${r.expr}`);
    expect(empty).toEqual([]);
  });

  test("the pool panel shows every Account active again after the recovery", async () => {
    const series = await prometheus.query("max by (state) (grantpool_accounts)");
    const byState = Object.fromEntries(series.map((s) => [s.metric.state, s.value?.[1]]));
    expect(byState).toMatchObject({ active: "3", disabled: "0", proxy_disabled: "0" });
  });

  test("over OTLP, the operator traces each reconciliation with the verification inside, and one replica reports the disable", async () => {
    const reconcile = await receiver.waitForSpan(
      (span) =>
        span.name === "grantpool.operator.reconcile" &&
        span.attributes["grantpool.account.id"] === `${story.ns}/bob`,
    );
    expect(reconcile.resource["grantpool.mode"]).toBe("operator");
    await receiver.waitUntil(() =>
      receiver.spans.some(
        (span) => span.name === "grantpool.token.verify" && span.parentSpanId !== undefined,
      ),
    );
    const disabled = receiver.logs.filter((record) => record.eventName === "grantpool.account.disabled");
    expect(
      disabled.map((record) => [
        record.attributes["grantpool.account.id"],
        record.resource["grantpool.mode"],
      ]),
    ).toEqual([[`${story.ns}/bob`, "proxy"]]);
    const recovered = receiver.logs.filter((record) => record.eventName === "grantpool.account.recovered");
    expect(new Set(recovered.map((record) => record.resource["k8s.pod.name"])).size).toBe(2);
  });
});
