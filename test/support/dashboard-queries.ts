/**
 * Runs a Grafana dashboard's queries against a real Prometheus, as Grafana would after
 * interpolating its variables: every panel target's `expr` (panels inside rows included) and the
 * `label_values(...)` / `query_result(...)` queries of its query variables. Other variable
 * functions (`label_names()`, `metrics()`) are skipped: they take no PromQL.
 */
import { join } from "node:path";
import { prometheusLabelValues, queryPrometheus } from "./prometheus-api.ts";

/** The dashboard grantpool ships. */
export const SHIPPED_DASHBOARD = join(
  import.meta.dir,
  "..",
  "..",
  "charts",
  "grantpool",
  "dashboards",
  "grantpool.json",
);

export interface DashboardQueryResult {
  /** The panel's title, or `variable <name>` for a templating variable's query. */
  readonly panelTitle: string;
  /** The target's refId; for a variable, its name. */
  readonly refId: string;
  /** The expression as sent, variables substituted. */
  readonly expr: string;
  /** Series (or, for label_values, values) in the result. */
  readonly resultCount: number;
}

/** Grafana's built-in interval variables, unless the caller gives values of its own. */
const BUILT_INS: Readonly<Record<string, string>> = {
  __interval: "15s",
  __rate_interval: "1m",
  __range: "1h",
};

interface DashboardQuery {
  readonly panelTitle: string;
  readonly refId: string;
  readonly expr: string;
  readonly kind: "expr" | "variable";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/**
 * `expr` with `$name`, `${name}`, `${name:format}` and `[[name]]` replaced by their values.
 * An unknown variable throws: left in place it would only surface as a PromQL parse error.
 */
export function substituteDashboardVariables(
  expr: string,
  variables: Readonly<Record<string, string>>,
): string {
  const values: Record<string, string> = { ...BUILT_INS, ...variables };
  return expr.replace(
    /\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$(\w+)/g,
    (whole, braced?: string, bracketed?: string, bare?: string) => {
      const name = braced ?? bracketed ?? bare ?? "";
      const value = values[name];
      if (value === undefined)
        throw new Error(`No value for dashboard variable "${name}" in ${whole} of: ${expr}`);
      return value;
    },
  );
}

function panelQueries(panels: unknown): DashboardQuery[] {
  return records(panels).flatMap((panel) => {
    const panelTitle = typeof panel.title === "string" ? panel.title : `panel ${String(panel.id)}`;
    const own = records(panel.targets)
      .filter((target) => typeof target.expr === "string" && target.expr.trim() !== "")
      .map((target) => ({
        panelTitle,
        refId: typeof target.refId === "string" ? target.refId : "",
        expr: target.expr as string,
        kind: "expr" as const,
      }));
    // A row keeps its panels in `panels` (when collapsed); an expanded row's follow it at the top level.
    return [...own, ...panelQueries(panel.panels)];
  });
}

function variableQueries(templating: unknown): DashboardQuery[] {
  const list = isRecord(templating) ? templating.list : undefined;
  return records(list)
    .filter((variable) => variable.type === "query")
    .flatMap((variable) => {
      // Grafana ≥ 10 stores `{ query, refId, qryType }`; older dashboards a plain string.
      const query = isRecord(variable.query) ? variable.query.query : variable.query;
      if (typeof query !== "string" || !/^\s*(label_values|query_result)\s*\(/.test(query)) return [];
      const name = String(variable.name);
      return [{ panelTitle: `variable ${name}`, refId: name, expr: query, kind: "variable" as const }];
    });
}

async function runVariableQuery(url: string, expr: string): Promise<readonly unknown[]> {
  const labelValues = /^\s*label_values\(\s*(?:(.+?)\s*,\s*)?([A-Za-z_]\w*)\s*\)\s*$/s.exec(expr);
  if (labelValues !== null) return prometheusLabelValues(url, labelValues[2] ?? "", labelValues[1]);
  const queryResult = /^\s*query_result\((.*)\)\s*$/s.exec(expr);
  if (queryResult !== null) return queryPrometheus(url, queryResult[1] ?? "");
  throw new Error(`Unsupported variable query: ${expr}`);
}

/**
 * Runs every query of `dashboard` (Grafana JSON) at the current time. Fails once, listing every
 * query Prometheus rejected, when any was rejected.
 */
export async function evaluateDashboardQueries(
  prometheus: { readonly url: string },
  dashboard: unknown,
  variables: Readonly<Record<string, string>>,
): Promise<DashboardQueryResult[]> {
  if (!isRecord(dashboard)) throw new Error("The dashboard is not a JSON object");
  const queries = [...variableQueries(dashboard.templating), ...panelQueries(dashboard.panels)];
  const results: DashboardQueryResult[] = [];
  const failures: string[] = [];
  for (const query of queries) {
    const expr = substituteDashboardVariables(query.expr, variables);
    try {
      const result =
        query.kind === "variable"
          ? await runVariableQuery(prometheus.url, expr)
          : await queryPrometheus(prometheus.url, expr);
      results.push({ panelTitle: query.panelTitle, refId: query.refId, expr, resultCount: result.length });
    } catch (error) {
      failures.push(
        `"${query.panelTitle}" ${query.refId}: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
  if (failures.length > 0) {
    throw new Error(`Prometheus rejected ${failures.length} dashboard queries:\n${failures.join("\n")}`);
  }
  return results;
}
