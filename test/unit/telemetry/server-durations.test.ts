import { describe, expect, test } from "bun:test";
import type { DataPoint, Histogram } from "@opentelemetry/sdk-metrics";
import { createPrometheusScrape } from "../../../src/telemetry/prometheus-scrape.ts";
import { createServerDurations, SERVER_BUCKETS } from "../../../src/telemetry/server-durations.ts";

async function points(durations: ReturnType<typeof createServerDurations>): Promise<DataPoint<Histogram>[]> {
  const { resourceMetrics } = await durations.producer.collect();
  return resourceMetrics.scopeMetrics.flatMap((scope) =>
    scope.metrics.flatMap((metric) => metric.dataPoints as DataPoint<Histogram>[]),
  );
}

describe("server durations", () => {
  test("report nothing before the first request", async () => {
    expect(await points(createServerDurations({ name: "grantpool" }))).toEqual([]);
  });

  test("count each request in the bucket whose inclusive upper bound holds it, per method, route and status", async () => {
    const durations = createServerDurations({ name: "grantpool" }, { now: () => 1_000 });
    const route = "/v1beta/models/{model}:generateContent";
    durations.record(0.005, "POST", route, 200); // on the first bound: first bucket
    durations.record(0.0051, "POST", route, 200); // just above: second bucket
    durations.record(1_000, "POST", route, 200); // above every bound: the overflow bucket
    durations.record(0.2, "POST", route, 429);
    const [ok, limited] = await points(durations);
    expect(ok?.attributes).toEqual({
      "http.request.method": "POST",
      "http.route": route,
      "http.response.status_code": 200,
    });
    expect(ok?.value.buckets.boundaries).toEqual([...SERVER_BUCKETS]);
    const counts = ok?.value.buckets.counts ?? [];
    expect([counts[0], counts[1], counts[counts.length - 1]]).toEqual([1, 1, 1]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(ok?.value).toMatchObject({ count: 3, sum: 1_000.0101, min: 0.005, max: 1_000 });
    expect(limited?.attributes["http.response.status_code"]).toBe(429);
    expect(limited?.value.count).toBe(1);
  });

  test("accumulate across collections, from the series' first request", async () => {
    let now = 5_000;
    const durations = createServerDurations({ name: "grantpool" }, { now: () => now });
    durations.record(0.1, "GET", "/healthz", 200);
    now = 6_000;
    await points(durations);
    durations.record(0.1, "GET", "/healthz", 200);
    const [point] = await points(durations);
    expect(point?.value.count).toBe(2);
    expect(point?.startTime).toEqual([5, 0]);
    expect(point?.endTime).toEqual([6, 0]);
  });

  test("name a request that matched no route by its method only, and an unknown method _OTHER", async () => {
    const durations = createServerDurations({ name: "grantpool" });
    durations.record(0.01, "GET", undefined, 404);
    for (const method of ["FOO", "BAR", "get"]) durations.record(0.01, method, undefined, 405);
    expect((await points(durations)).map((point) => [point.attributes, point.value.count])).toEqual([
      [{ "http.request.method": "GET", "http.response.status_code": 404 }, 1],
      [{ "http.request.method": "_OTHER", "http.response.status_code": 405 }, 3],
    ]);
  });

  test("ignore a duration that is not a finite number", async () => {
    const durations = createServerDurations({ name: "grantpool" });
    durations.record(Number.NaN, "GET", "/healthz", 200);
    durations.record(Number.POSITIVE_INFINITY, "GET", "/healthz", 200);
    expect(await points(durations)).toEqual([]);
  });

  test("appear in the Prometheus scrape as the seconds histogram, under grantpool's scope", async () => {
    const durations = createServerDurations({ name: "grantpool", version: "1.2.3" });
    const prometheus = createPrometheusScrape([durations.producer]);
    const { MeterProvider } = await import("@opentelemetry/sdk-metrics");
    new MeterProvider({ readers: [prometheus.reader] });
    durations.record(0.02, "POST", "/v1/messages", 200);
    const text = await prometheus.scrape();
    expect(text).toContain("# TYPE http_server_request_duration histogram");
    expect(text).toContain(
      'http_server_request_duration_bucket{http_request_method="POST",http_route="/v1/messages",http_response_status_code="200",otel_scope_name="grantpool",otel_scope_version="1.2.3",le="0.025"} 1',
    );
    expect(text).toContain(
      'http_server_request_duration_count{http_request_method="POST",http_route="/v1/messages",http_response_status_code="200",otel_scope_name="grantpool",otel_scope_version="1.2.3"} 1',
    );
  });
});
