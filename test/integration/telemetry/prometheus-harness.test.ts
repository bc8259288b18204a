/**
 * The Prometheus harness against a real Prometheus 2.42 (Debian's package) scraping two Bun.serve
 * targets on port 0: a demo exposition and a synthetic grantpool one, both changed by the tests.
 * The shipped Grafana dashboard's queries run on it too: valid PromQL for this Prometheus, with
 * answers for the series grantpool exports.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Server } from "bun";
import {
  evaluateDashboardQueries,
  SHIPPED_DASHBOARD,
  substituteDashboardVariables,
} from "../../support/dashboard-queries.ts";
import { type PrometheusServer, startPrometheus } from "../../support/prometheus-server.ts";

const SCRAPE_INTERVAL_SECONDS = 0.5;
/** Shorter than the age of the series scraped since the start (see beforeAll), a few scrapes long. */
const RATE_INTERVAL = "3s";

const demo = { text: '# TYPE demo_total counter\ndemo_total{kind="a"} 3\ndemo_total{kind="b"} 5\n' };
/** Disables the synthetic grantpool target reports: account id → [reason, count]. */
const disables = new Map<string, [string, number]>([["a0", ["forbidden", 2]]]);

function labels(pairs: Record<string, string>): string {
  const all = { otel_scope_name: "grantpool", ...pairs };
  return Object.entries(all)
    .map(([name, value]) => `${name}="${value}"`)
    .join(",");
}

function histogram(
  name: string,
  pairs: Record<string, string>,
  bounds: readonly number[],
  seen: readonly number[],
) {
  const buckets = [...bounds.map(String), "+Inf"].map((le, i) => {
    const count = seen.filter((value) => i === bounds.length || value <= (bounds[i] ?? 0)).length;
    return `${name}_bucket{${labels({ ...pairs, le })}} ${count}`;
  });
  const sum = seen.reduce((total, value) => total + value, 0);
  return [
    `# TYPE ${name} histogram`,
    ...buckets,
    `${name}_sum{${labels(pairs)}} ${sum}`,
    `${name}_count{${labels(pairs)}} ${seen.length}`,
  ];
}

/** What grantpool's /metrics looks like (OpenTelemetry's Prometheus exporter), every metric present. */
function grantpoolExposition(): string {
  const route = {
    http_request_method: "POST",
    http_route: "/v1beta/models/:model",
    http_response_status_code: "200",
  };
  return [
    "# TYPE target_info gauge",
    'target_info{service_name="grantpool",service_version="0.1.0",grantpool_mode="proxy",k8s_pod_name="proxy-0",k8s_namespace_name="grantpool"} 1',
    "# TYPE grantpool_accounts gauge",
    ...Object.entries({ active: 2, disabled: disables.size, proxy_disabled: 0, cooldown: 1 }).map(
      ([state, count]) => `grantpool_accounts{${labels({ state })}} ${count}`,
    ),
    "# TYPE grantpool_account_disables_total counter",
    ...[...disables].map(
      ([id, [reason, count]]) =>
        `grantpool_account_disables_total{${labels({ reason, grantpool_account_id: id })}} ${count}`,
    ),
    "# TYPE grantpool_account_recoveries_total counter",
    `grantpool_account_recoveries_total{${labels({ grantpool_account_id: "a2" })}} 1`,
    "# TYPE grantpool_token_refreshes_total counter",
    `grantpool_token_refreshes_total{${labels({ outcome: "success", grantpool_account_id: "a0" })}} 4`,
    `grantpool_token_refreshes_total{${labels({ outcome: "invalid_grant", grantpool_account_id: "a1" })}} 1`,
    ...histogram(
      "grantpool_token_refresh_duration",
      { outcome: "success" },
      [0.05, 0.1, 0.25],
      [0.04, 0.07, 0.2, 0.3],
    ),
    "# TYPE grantpool_upstream_requests_total counter",
    `grantpool_upstream_requests_total{${labels({ status_class: "2xx", grantpool_account_id: "a0" })}} 10`,
    `grantpool_upstream_requests_total{${labels({ status_class: "4xx", grantpool_account_id: "a1" })}} 2`,
    ...histogram("http_server_request_duration", route, [0.1, 1, 10], [0.05, 0.5, 3]),
    "# TYPE grantpool_operator_reconciles_total counter",
    `grantpool_operator_reconciles_total{${labels({ result: "success" })}} 3`,
    "# TYPE grantpool_account_quota_remaining gauge",
    `grantpool_account_quota_remaining{${labels({ group: "claude", grantpool_account_id: "a0" })}} 7`,
    `grantpool_account_quota_remaining{${labels({ group: "gemini-3-flash", grantpool_account_id: "a0" })}} 100`,
    "# TYPE grantpool_account_quota_reset_time gauge",
    `grantpool_account_quota_reset_time{${labels({ group: "claude", grantpool_account_id: "a0" })}} ${Math.floor(Date.now() / 1000) + 3600}`,
    "# TYPE grantpool_account_quota_protected gauge",
    `grantpool_account_quota_protected{${labels({ group: "claude" })}} 1`,
    "# TYPE grantpool_account_quota_protections_total counter",
    `grantpool_account_quota_protections_total{${labels({ group: "claude" })}} 1`,
    "",
  ].join("\n");
}

let demoTarget: Server<undefined>;
let grantpoolTarget: Server<undefined>;
let prometheus: PrometheusServer;

beforeAll(async () => {
  const serve = (body: () => string) =>
    Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => new Response(body(), { headers: { "content-type": "text/plain" } }),
    });
  demoTarget = serve(() => demo.text);
  grantpoolTarget = serve(grantpoolExposition);
  prometheus = await startPrometheus({
    targets: [`127.0.0.1:${demoTarget.port}`, `127.0.0.1:${grantpoolTarget.port}`],
    scrapeIntervalSeconds: SCRAPE_INTERVAL_SECONDS,
  });
  // 8 scrapes: the series there from the start are 3.5 s old, older than RATE_INTERVAL.
  await prometheus.waitForScrapes(8, { timeoutMs: 30_000 });
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await demoTarget?.stop(true);
  await grantpoolTarget?.stop(true);
});

describe("startPrometheus", () => {
  test("scrapes a target served on port 0 and answers a query with its value", async () => {
    const [series, ...rest] = await prometheus.query('demo_total{kind="a"}');
    expect(rest).toEqual([]);
    expect(series?.value?.[1]).toBe("3");
    expect(series?.metric).toMatchObject({ job: "grantpool", instance: `127.0.0.1:${demoTarget.port}` });
  });

  test("rejects a bad expression with Prometheus's own parse error", async () => {
    await expect(prometheus.query("sum(rate(demo_total[1m])")).rejects.toThrow(
      /^Prometheus rejected the query "sum\(rate\(demo_total\[1m\]\)": bad_data: .*parse error/,
    );
    await expect(prometheus.query("rate(demo_total)")).rejects.toThrow(/expected type range vector/);
  });

  test("makes a series a target starts to expose queryable once waitForScrapeAfter returns", async () => {
    const changedAt = new Date();
    demo.text += 'demo_total{kind="c"} 7\n';
    await prometheus.waitForScrapeAfter(changedAt);
    const [series] = await prometheus.query('demo_total{kind="c"}');
    expect(series?.value?.[1]).toBe("7");
    expect(await prometheus.labelValues("kind", "demo_total")).toEqual(["a", "b", "c"]);
  }, 30_000);

  test("stops Prometheus, which then no longer answers", async () => {
    const other = await startPrometheus({ targets: [`127.0.0.1:${demoTarget.port}`] });
    expect((await fetch(`${other.url}/-/ready`)).status).toBe(200);
    await other.stop();
    expect(() => process.kill(other.pid, 0)).toThrow();
    await expect(fetch(`${other.url}/-/ready`)).rejects.toThrow();
  }, 30_000);

  test("fails to start with Prometheus's own log when it rejects its configuration", async () => {
    await expect(startPrometheus({ targets: ["127.0.0.1:1"], job: "" })).rejects.toThrow(
      /Prometheus exited \(2\) while starting; its log:\n.*job_name is empty/,
    );
  }, 30_000);
});

describe("evaluateDashboardQueries", () => {
  const dashboard = {
    templating: {
      list: [
        { name: "datasource", type: "datasource", query: "prometheus" },
        { name: "kind", type: "query", query: { query: "label_values(demo_total, kind)", refId: "v" } },
        { name: "total", type: "query", query: "query_result(sum(demo_total))" },
      ],
    },
    panels: [
      { id: 1, type: "stat", title: "Demo", targets: [{ refId: "A", expr: 'demo_total{kind=~"$kind"}' }] },
      {
        id: 2,
        type: "row",
        title: "Collapsed",
        panels: [
          {
            id: 3,
            type: "timeseries",
            title: "Rate",
            targets: [
              // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
              { refId: "A", expr: 'sum(rate(demo_total{kind="${kind}"}[$__rate_interval]))' },
              { refId: "B", expr: 'demo_total{kind="[[kind:raw]]"}', hide: true },
              { refId: "C", expr: "" },
            ],
          },
        ],
      },
    ],
  };

  test("runs every panel query, rows' panels included, and the query variables, variables substituted", async () => {
    const results = await evaluateDashboardQueries(prometheus, dashboard, {
      kind: "a",
      __rate_interval: "1m",
    });
    expect(results).toEqual([
      { panelTitle: "variable kind", refId: "kind", expr: "label_values(demo_total, kind)", resultCount: 3 },
      { panelTitle: "variable total", refId: "total", expr: "query_result(sum(demo_total))", resultCount: 1 },
      { panelTitle: "Demo", refId: "A", expr: 'demo_total{kind=~"a"}', resultCount: 1 },
      { panelTitle: "Rate", refId: "A", expr: 'sum(rate(demo_total{kind="a"}[1m]))', resultCount: 1 },
      { panelTitle: "Rate", refId: "B", expr: 'demo_total{kind="a"}', resultCount: 1 },
    ]);
  });

  test("fails once, naming every query Prometheus rejected", async () => {
    const broken = {
      panels: [
        { title: "Unclosed", targets: [{ refId: "A", expr: "sum(demo_total" }] },
        { title: "Fine", targets: [{ refId: "A", expr: "demo_total" }] },
        { title: "Wrong type", targets: [{ refId: "B", expr: "rate(demo_total)" }] },
      ],
    };
    await expect(evaluateDashboardQueries(prometheus, broken, {})).rejects.toThrow(
      /^Prometheus rejected 2 dashboard queries:\n"Unclosed" A: .*parse error.*\n"Wrong type" B: .*range vector/,
    );
  });

  test("refuses an expression using a variable it has no value for", () => {
    expect(() => substituteDashboardVariables('up{pod="$pod"}', {})).toThrow(
      /No value for dashboard variable "pod"/,
    );
  });
});

describe("the shipped Grafana dashboard on Prometheus 2.42", () => {
  const shipped: unknown = JSON.parse(readFileSync(SHIPPED_DASHBOARD, "utf8"));

  test("answers every query with at least one series from a grantpool exposition", async () => {
    const results = await evaluateDashboardQueries(prometheus, shipped, {
      account: ".*",
      __rate_interval: RATE_INTERVAL,
    });
    expect(results.length).toBeGreaterThanOrEqual(15);
    const empty = results
      .filter((result) => result.resultCount === 0)
      .map((r) => `${r.panelTitle} ${r.refId}`);
    expect(empty).toEqual([]);
  });

  test("counts an account's first disable, whose series it creates, and not again the old ones", async () => {
    const expr = findExpr(shipped, "Account disables by reason");
    const changedAt = new Date();
    disables.set("a1", ["invalid_grant", 1]);
    await prometheus.waitForScrapeAfter(changedAt);
    const series = await prometheus.query(
      substituteDashboardVariables(expr, { __rate_interval: RATE_INTERVAL }),
    );
    const byReason = Object.fromEntries(series.map((s) => [s.metric.reason, Number(s.value?.[1])]));
    expect(byReason).toEqual({ invalid_grant: 1, forbidden: 0 });
  }, 30_000);
});

function findExpr(dashboard: unknown, title: string): string {
  const panels = (dashboard as { panels: { title: string; targets?: { expr: string }[] }[] }).panels;
  const expr = panels.find((panel) => panel.title === title)?.targets?.[0]?.expr;
  if (expr === undefined) throw new Error(`The dashboard has no panel "${title}"`);
  return expr;
}
