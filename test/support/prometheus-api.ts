/**
 * The few calls of Prometheus's HTTP API (v1) the telemetry tests make. Every call throws with
 * Prometheus's own error text when it rejects the request (a PromQL parse error, say).
 */

/** One series of a query's result; scalar and string results come back as one series without labels. */
export interface PromSeries {
  readonly metric: Readonly<Record<string, string>>;
  /** For instant vectors, scalars and strings: [unix seconds, value]. */
  readonly value?: readonly [number, string];
  /** For range vectors (matrix). */
  readonly values?: readonly (readonly [number, string])[];
}

interface ApiReply {
  readonly status: "success" | "error";
  readonly data?: unknown;
  readonly errorType?: string;
  readonly error?: string;
}

interface ActiveTarget {
  readonly scrapeUrl: string;
  readonly health: string;
  readonly lastError: string;
  readonly lastScrape: string;
}

async function callApi(response: Response, what: string): Promise<unknown> {
  const text = await response.text();
  let reply: ApiReply;
  try {
    reply = JSON.parse(text) as ApiReply;
  } catch (cause) {
    throw new Error(`Prometheus answered ${what} with HTTP ${response.status} and no JSON: ${text}`, {
      cause,
    });
  }
  if (reply.status !== "success") {
    throw new Error(`Prometheus rejected ${what}: ${reply.errorType ?? "error"}: ${reply.error ?? text}`);
  }
  return reply.data;
}

/** `/api/v1/query`, sent as a form: dashboard expressions can be long. */
export async function queryPrometheus(url: string, promql: string, time?: Date): Promise<PromSeries[]> {
  const form = new URLSearchParams({ query: promql });
  if (time !== undefined) form.set("time", String(time.getTime() / 1000));
  const response = await fetch(`${url}/api/v1/query`, { method: "POST", body: form });
  const data = await callApi(response, `the query ${JSON.stringify(promql)}`);
  const { resultType, result } = data as { resultType: string; result: unknown };
  if (resultType === "scalar" || resultType === "string")
    return [{ metric: {}, value: result as [number, string] }];
  return result as PromSeries[];
}

/** `/api/v1/label/<label>/values`, restricted to the series `selector` matches when given. */
export async function prometheusLabelValues(
  url: string,
  label: string,
  selector?: string,
): Promise<string[]> {
  const params = new URLSearchParams(selector === undefined ? {} : { "match[]": selector });
  const response = await fetch(`${url}/api/v1/label/${encodeURIComponent(label)}/values?${params}`);
  const what = `the values of label "${label}"${selector === undefined ? "" : ` of ${selector}`}`;
  return (await callApi(response, what)) as string[];
}

/** `/api/v1/targets` as one line per active target: health, last scrape and last error. */
export async function describeTargets(url: string): Promise<string> {
  const data = (await callApi(await fetch(`${url}/api/v1/targets`), "the targets query")) as {
    readonly activeTargets: readonly ActiveTarget[];
  };
  if (data.activeTargets.length === 0) return "(no active targets yet)";
  return data.activeTargets
    .map(
      (t) =>
        `${t.scrapeUrl}: ${t.health}, last scrape ${t.lastScrape}${t.lastError ? `: ${t.lastError}` : ""}`,
    )
    .join("\n");
}
