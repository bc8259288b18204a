/** The reply of `GET /metrics` on the proxy and the operator (no SDK import: the CLI loads it too). */

/** Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** `GET /metrics` for the proxy and the operator: the text now, or 404 saying why there is none. */
export async function metricsReply(scrape: (() => Promise<string>) | undefined): Promise<Response> {
  if (scrape === undefined) {
    return new Response("metrics are off (--metrics=false, or OTEL_SDK_DISABLED=true)\n", {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  return new Response(await scrape(), { headers: { "content-type": PROMETHEUS_CONTENT_TYPE } });
}
