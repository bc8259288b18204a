/**
 * The OTLP receiver (test support) decodes exactly what the real OpenTelemetry protobuf exporters
 * send, so telemetry tests can trust it as an independent collector.
 */
import { describe, expect, test } from "bun:test";
import { context, SeverityNumber, SpanStatusCode, trace, ValueType } from "@opentelemetry/api";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { startOtlpReceiver } from "../../support/otlp-receiver.ts";

const resource = resourceFromAttributes({ "service.name": "otlp-receiver-test", "service.version": "1.2.3" });

type ExporterConfig = NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>;

/** Shuts a provider down (flushing it) when the test's scope ends. */
function disposing<T extends { shutdown(): Promise<void> }>(provider: T): T & AsyncDisposable {
  return Object.assign(provider, { [Symbol.asyncDispose]: () => provider.shutdown() });
}

function tracerProvider(url: string, config: Omit<ExporterConfig, "url"> = {}) {
  const exporter = new OTLPTraceExporter({ ...config, url: `${url}/v1/traces` });
  return disposing(new TracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
}

// A few protobuf writers for hand-made messages with encodings the exporters never produce.
function varint(value: bigint): number[] {
  const out: number[] = [];
  let rest = BigInt.asUintN(64, value);
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    out.push(rest === 0n ? low : low | 0x80);
  } while (rest !== 0n);
  return out;
}
const key = (field: number, wireType: number) => varint(BigInt((field << 3) | wireType));
const message = (field: number, ...parts: number[][]) => {
  const body = parts.flat();
  return [...key(field, 2), ...varint(BigInt(body.length)), ...body];
};
const text = (field: number, value: string) => message(field, [...new TextEncoder().encode(value)]);
function fixed64(field: number, value: bigint | number): number[] {
  const bytes = new DataView(new ArrayBuffer(8));
  if (typeof value === "bigint") bytes.setBigUint64(0, value, true);
  else bytes.setFloat64(0, value, true);
  return [...key(field, 1), ...new Uint8Array(bytes.buffer)];
}
const attribute = (field: number, name: string, anyValue: number[]) =>
  message(field, text(1, name), message(2, anyValue));

describe("OTLP receiver", () => {
  test("decodes parent and child spans with ids, kind, attributes, an event and status from the trace exporter", async () => {
    await using receiver = await startOtlpReceiver();
    await using provider = tracerProvider(receiver.url);
    const tracer = provider.getTracer("receiver-test", "0.0.1");

    const parent = tracer.startSpan("proxy.request", { kind: 1 /* SpanKind.SERVER */ });
    const child = tracer.startSpan(
      "pool.choose",
      { attributes: { "account.id": "id-alice", attempt: 2, negative: -5, ratio: 0.25, cached: false } },
      trace.setSpan(context.active(), parent),
    );
    child.setAttribute("big", 2 ** 60);
    child.setAttribute("tags", ["a", "b"]);
    child.addEvent("cooldown.started", { "cooldown.ms": 1500, reason: "resource_exhausted" });
    child.setStatus({ code: SpanStatusCode.ERROR, message: "no account available" });
    child.end();
    parent.end();
    await provider.forceFlush();

    const decodedParent = await receiver.waitForSpan("proxy.request");
    const decodedChild = await receiver.waitForSpan("pool.choose");
    expect(decodedParent.kind).toBe("server");
    expect(decodedParent.parentSpanId).toBeUndefined();
    expect(decodedParent.traceId).toBe(parent.spanContext().traceId);
    expect(decodedParent.spanId).toBe(parent.spanContext().spanId);
    expect(decodedChild.traceId).toBe(decodedParent.traceId);
    expect(decodedChild.parentSpanId).toBe(decodedParent.spanId);
    expect(decodedChild.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(decodedChild.kind).toBe("internal");
    expect(decodedChild.attributes).toEqual({
      "account.id": "id-alice",
      attempt: 2,
      negative: -5,
      ratio: 0.25,
      cached: false,
      big: 2n ** 60n,
      tags: ["a", "b"],
    });
    expect(decodedChild.events).toHaveLength(1);
    expect(decodedChild.events[0]?.name).toBe("cooldown.started");
    expect(decodedChild.events[0]?.attributes).toEqual({ "cooldown.ms": 1500, reason: "resource_exhausted" });
    expect(decodedChild.status).toEqual({ code: "error", message: "no account available" });
    expect(decodedChild.startTimeUnixNano).toBeGreaterThan(1_600_000_000n * 1_000_000_000n);
    expect(decodedChild.endTimeUnixNano).toBeGreaterThanOrEqual(decodedChild.startTimeUnixNano);
    expect(decodedChild.resource["service.name"]).toBe("otlp-receiver-test");
    expect(decodedChild.scope).toEqual({ name: "receiver-test", version: "0.0.1", attributes: {} });
    expect(receiver.rawBodiesContain("id-alice")).toBe(true);
    expect(receiver.rawBodiesContain("never-sent-secret")).toBe(false);
  });

  test("decodes counter, up-down counter and histogram points from the metric exporter", async () => {
    await using receiver = await startOtlpReceiver();
    const exporter = new OTLPMetricExporter({ url: `${receiver.url}/v1/metrics` });
    // A long interval: only forceFlush exports, so each flush is one decodable export.
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    await using provider = disposing(new MeterProvider({ resource, readers: [reader] }));
    const meter = provider.getMeter("receiver-test");

    const requests = meter.createCounter("grantpool.requests", {
      description: "Requests",
      unit: "{request}",
    });
    requests.add(3, { route: "gemini" });
    requests.add(2, { route: "gemini" });
    requests.add(1, { route: "openai" });
    const inFlight = meter.createUpDownCounter("grantpool.in_flight", { valueType: ValueType.INT });
    inFlight.add(1);
    inFlight.add(-3);
    const latency = meter.createHistogram("grantpool.latency", {
      unit: "ms",
      advice: { explicitBucketBoundaries: [1, 10, 100] },
    });
    for (const ms of [0.5, 7, 120]) latency.record(ms, { route: "gemini" });
    await provider.forceFlush();

    const counter = await receiver.waitForMetric("grantpool.requests");
    expect(counter).toMatchObject({ type: "sum", isMonotonic: true, temporality: "cumulative" });
    expect(counter.description).toBe("Requests");
    expect(counter.unit).toBe("{request}");
    const byRoute = Object.fromEntries(counter.points.map((p) => [p.attributes.route, p.value]));
    expect(byRoute).toEqual({ gemini: 5, openai: 1 });
    expect(counter.resource["service.name"]).toBe("otlp-receiver-test");

    const upDown = await receiver.waitForMetric("grantpool.in_flight");
    expect(upDown).toMatchObject({ type: "sum", isMonotonic: false });
    expect(upDown.points.map((p) => p.value)).toEqual([-2]);

    const histogram = await receiver.waitForMetric("grantpool.latency");
    expect(histogram.type).toBe("histogram");
    expect(histogram.points).toHaveLength(1);
    expect(histogram.points[0]).toMatchObject({
      attributes: { route: "gemini" },
      count: 3,
      sum: 127.5,
      min: 0.5,
      max: 120,
      bounds: [1, 10, 100],
      buckets: [1, 1, 0, 1],
    });
  });

  test("decodes a log record's event name, severity, body, attributes and span context from the log exporter", async () => {
    await using receiver = await startOtlpReceiver();
    const exporter = new OTLPLogExporter({ url: `${receiver.url}/v1/logs` });
    await using provider = disposing(
      new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] }),
    );
    const spanContext = {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: 1,
    };

    provider.getLogger("receiver-test").emit({
      eventName: "account.disabled",
      severityNumber: SeverityNumber.WARN,
      severityText: "WARN",
      body: { reason: "invalid_grant", attempts: 3 },
      attributes: { "account.id": "id-bob", permanent: true },
      context: trace.setSpanContext(context.active(), spanContext),
    });
    await provider.forceFlush();

    const record = await receiver.waitForLog("account.disabled");
    expect(record).toMatchObject({
      eventName: "account.disabled",
      severityNumber: 13,
      severityText: "WARN",
      body: { reason: "invalid_grant", attempts: 3 },
      attributes: { "account.id": "id-bob", permanent: true },
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
      flags: 1,
    });
    expect(record.resource["service.name"]).toBe("otlp-receiver-test");
    expect(record.scope.name).toBe("receiver-test");
    expect(record.timeUnixNano).toBeGreaterThan(0n);
  });

  test("gunzips and decodes an export sent with gzip compression", async () => {
    await using receiver = await startOtlpReceiver();
    const compression = "gzip" as NonNullable<ExporterConfig["compression"]>;
    await using provider = tracerProvider(receiver.url, { compression });
    provider
      .getTracer("receiver-test")
      .startSpan("compressed.span", { attributes: { padding: "x".repeat(2000) } })
      .end();
    await provider.forceFlush();

    const span = await receiver.waitForSpan("compressed.span");
    expect(span.attributes.padding).toBe("x".repeat(2000));
    expect(receiver.requests.map((r) => [r.path, r.status, r.headers["content-encoding"]])).toEqual([
      ["/v1/traces", 200, "gzip"],
    ]);
    expect(receiver.rawBodiesContain("compressed.span")).toBe(true);
  });

  test("decodes unpacked repeated fields and 64-bit integers, and skips unknown fields of every wire type", async () => {
    await using receiver = await startOtlpReceiver();
    const unknownFields = [...key(99, 0), 1, ...fixed64(98, 5n), ...text(97, "?"), ...key(96, 5), 1, 2, 3, 4];
    const point = message(
      1,
      attribute(9, "negative", [...key(3, 0), ...varint(-7n)]),
      attribute(9, "huge", [...key(3, 0), ...varint(2n ** 60n)]),
      fixed64(3, 1_700_000_000_123_456_789n),
      fixed64(4, 3n),
      fixed64(5, 11.5),
      fixed64(6, 1n), // bucket_counts and explicit_bounds unpacked: one field per value
      fixed64(6, 2n),
      fixed64(7, 10),
      unknownFields,
    );
    const metric = message(2, text(1, "hand.histogram"), unknownFields, message(9, point, key(2, 0), [1]));
    const resource = message(1, attribute(1, "service.name", text(1, "hand-made")), unknownFields);
    const body = new Uint8Array(
      message(1, resource, unknownFields, message(2, message(1, text(1, "hand")), metric)),
    );

    const reply = await fetch(`${receiver.url}/v1/metrics`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body,
    });
    expect(reply.status).toBe(200);
    expect(receiver.metrics).toEqual([
      {
        name: "hand.histogram",
        description: "",
        unit: "",
        type: "histogram",
        temporality: "delta",
        resource: { "service.name": "hand-made" },
        scope: { name: "hand", version: "", attributes: {} },
        points: [
          {
            attributes: { negative: -7, huge: 2n ** 60n },
            startTimeUnixNano: 0n,
            timeUnixNano: 1_700_000_000_123_456_789n,
            count: 3,
            sum: 11.5,
            buckets: [1, 2],
            bounds: [10],
          },
        ],
      },
    ]);
  });

  test("replies 200 with an empty protobuf body to an export, 415 to JSON and 404 elsewhere", async () => {
    await using receiver = await startOtlpReceiver();
    const post = (path: string, contentType: string, body: string | Uint8Array) =>
      fetch(`${receiver.url}${path}`, { method: "POST", headers: { "content-type": contentType }, body });

    const empty = await post("/v1/metrics", "application/x-protobuf", new Uint8Array(0));
    expect(empty.status).toBe(200);
    expect(empty.headers.get("content-type")).toBe("application/x-protobuf");
    expect((await empty.arrayBuffer()).byteLength).toBe(0);

    const json = await post("/v1/traces", "application/json", JSON.stringify({ resourceSpans: [] }));
    expect(json.status).toBe(415);
    await json.body?.cancel();
    const elsewhere = await post("/v1/profiles", "application/x-protobuf", new Uint8Array(0));
    expect(elsewhere.status).toBe(404);
    await elsewhere.body?.cancel();
    const corrupt = await post("/v1/logs", "application/x-protobuf", new Uint8Array([0x0a, 0x05, 0x01]));
    expect(corrupt.status).toBe(400);
    expect(await corrupt.text()).toContain("Cannot decode logs export");

    expect(receiver.requests.map((r) => r.status)).toEqual([200, 415, 404, 400]);
    // A wait fails at once, naming the refusal, rather than at its deadline.
    await expect(receiver.waitForLog("never.sent", { timeoutMs: 60_000 })).rejects.toThrow(
      "OTLP receiver refused /v1/logs: Cannot decode logs export",
    );
    expect(receiver.spans).toEqual([]);
    expect(receiver.rawBodies).toHaveLength(1);
  });
});
