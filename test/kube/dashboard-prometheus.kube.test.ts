/**
 * The Grafana dashboard against a real Prometheus (Debian's package) scraping two proxy replicas
 * and the operator while the invalid_grant story plays on Kubernetes: a token is revoked, the
 * Account is disabled, the Secret is rotated, it recovers, and a burst of upstream 503s reaches a
 * client. Then every PromQL expression of the dashboard returns data, and the disable counter
 * reads 1. The same processes export over OTLP to a receiver in the test.
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
  ({ tokens, replicas, operator } = await startCast(story, ["ada", "bob", "cy"], otlp));
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
  await prometheus?.stop();
  await receiver?.stop();
  await story?.[Symbol.asyncDispose]();
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
