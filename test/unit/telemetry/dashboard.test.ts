/**
 * The Grafana dashboard shipped with the chart, checked without Grafana or Prometheus: its shape,
 * its data source wiring, and that it only queries metrics grantpool exports. (The integration
 * suite runs its queries on a real Prometheus.)
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { SHIPPED_DASHBOARD } from "../../support/dashboard-queries.ts";

/** Every series grantpool's /metrics can carry (OTel names rendered by the Prometheus exporter). */
const EXPORTED_METRICS = new Set([
  "grantpool_accounts",
  "grantpool_account_disables_total",
  "grantpool_account_recoveries_total",
  "grantpool_token_refreshes_total",
  "grantpool_token_refresh_duration_bucket",
  "grantpool_token_refresh_duration_sum",
  "grantpool_token_refresh_duration_count",
  "grantpool_upstream_requests_total",
  "http_server_request_duration_bucket",
  "http_server_request_duration_sum",
  "http_server_request_duration_count",
  "target_info",
  "grantpool_operator_reconciles_total",
  "grantpool_account_quota_remaining",
  "grantpool_account_quota_reset_time",
  "grantpool_account_quota_protected",
  "grantpool_account_quota_protections_total",
]);
const GRAFANA_BUILT_INS = new Set(["__rate_interval", "__interval", "__range"]);
const PROMQL_KEYWORDS = new Set(["and", "or", "unless", "offset", "bool", "inf", "nan"]);

type Json = Record<string, unknown>;
interface Panel extends Json {
  readonly id: number;
  readonly type: string;
  readonly title?: string;
  readonly description?: string;
  readonly datasource?: Json;
  readonly targets?: readonly Json[];
  readonly panels?: readonly Panel[];
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
}

/** The metric names an expression selects: what is left once strings, matchers, ranges, grouping
 * clauses, function calls, keywords and numbers are taken out. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\boffset\s+\S+/g, " ");
  return [...stripped.matchAll(/(?<![\w.])([A-Za-z_:][\w:]*)(\s*\()?/g)]
    .filter(([, name, call]) => call === undefined && !PROMQL_KEYWORDS.has(name?.toLowerCase() ?? ""))
    .map(([, name]) => name ?? "");
}

function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

const dashboard = JSON.parse(readFileSync(SHIPPED_DASHBOARD, "utf8")) as Json & {
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly Json[] };
};
const panels = allPanels(dashboard.panels);
const queryPanels = panels.filter((panel) => panel.type !== "row");
const targets = queryPanels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target })));
const variables = new Map(dashboard.templating.list.map((variable) => [String(variable.name), variable]));

describe("metricNames (the checker's own parser)", () => {
  test("finds the selected metrics and nothing else", () => {
    const expr = `sum by (reason) ((foo_total{a="b"} unless foo_total offset $__rate_interval) or increase(bar_total[5m]))`;
    expect(metricNames(expr)).toEqual(["foo_total", "foo_total", "bar_total"]);
    expect(metricNames(`histogram_quantile(0.5, sum by (le) (rate(x_bucket[1m]))) / vector(0)`)).toEqual([
      "x_bucket",
    ]);
  });
});

describe("the Grafana dashboard", () => {
  test("identifies itself and shows the last six hours, refreshed every 30 s", () => {
    expect(dashboard).toMatchObject({ uid: "grantpool", title: "grantpool", refresh: "30s" });
    expect(dashboard.time).toEqual({ from: "now-6h", to: "now" });
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect((dashboard.tags as string[]).length).toBeGreaterThan(0);
  });

  test("gives every panel, rows included, a unique id and a title", () => {
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) expect(panel.title?.trim(), `panel ${panel.id}`).toBeTruthy();
  });

  test("describes every panel and gives it at least one query", () => {
    expect(queryPanels.length).toBeGreaterThanOrEqual(12);
    for (const panel of queryPanels) {
      expect(panel.description?.trim().length ?? 0, `description of "${panel.title}"`).toBeGreaterThan(20);
      expect(panel.targets?.length ?? 0, `targets of "${panel.title}"`).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(String(target.expr ?? "").trim(), `expr of "${panel.title}"`).not.toBe("");
      }
    }
  });

  test("queries only metrics grantpool exports", () => {
    for (const { panel, target } of targets) {
      const names = metricNames(String(target.expr));
      expect(names.length, `metrics in "${panel.title}"`).toBeGreaterThan(0);
      for (const name of names) expect(EXPORTED_METRICS, `"${name}" in "${panel.title}"`).toContain(name);
    }
  });

  test("uses only variables it defines or Grafana's interval variables", () => {
    for (const { panel, target } of targets) {
      for (const [, name] of String(target.expr).matchAll(/\$\{?(\w+)/g)) {
        const known = GRAFANA_BUILT_INS.has(name ?? "") || variables.has(name ?? "");
        expect(known, `$${name} in "${panel.title}"`).toBe(true);
      }
    }
  });

  test("reads every query from the data source chosen in its datasource variable", () => {
    expect(variables.get("datasource")).toMatchObject({ type: "datasource", query: "prometheus" });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
    const wanted = { type: "prometheus", uid: "${datasource}" };
    for (const panel of queryPanels) expect(panel.datasource, `"${panel.title}"`).toEqual(wanted);
    for (const { panel, target } of targets)
      expect(target.datasource, `a query of "${panel.title}"`).toEqual(wanted);
    expect(variables.get("account")?.datasource).toEqual(wanted);
  });

  test("offers an account variable, all accounts by default, that the per-account panels filter on", () => {
    const account = variables.get("account");
    expect(account).toMatchObject({ type: "query", multi: true, includeAll: true, allValue: ".*" });
    expect(JSON.stringify(account?.query)).toContain(
      "label_values(grantpool_upstream_requests_total, grantpool_account_id)",
    );
    const row = dashboard.panels.find((panel) => panel.type === "row" && panel.title === "Per account");
    expect(row?.panels?.length ?? 0).toBeGreaterThan(0);
    for (const panel of row?.panels ?? []) {
      for (const target of panel.targets ?? [])
        expect(String(target.expr)).toContain('grantpool_account_id=~"$account"');
    }
  });

  test("adds up the pool by state with max, as replicas share one pool", () => {
    const pool = targets.filter(({ target }) => String(target.expr).includes("grantpool_accounts"));
    expect(pool.length).toBeGreaterThan(0);
    for (const { target } of pool)
      expect(String(target.expr)).toMatch(/^max by \(state\) \(grantpool_accounts\)$/);
  });

  test("lays every panel out within the 24-column grid", () => {
    for (const panel of panels) {
      expect(panel.gridPos.x + panel.gridPos.w, `"${panel.title}"`).toBeLessThanOrEqual(24);
      expect(panel.gridPos.h).toBeGreaterThan(0);
    }
  });
});
