/**
 * Telemetry for in-process tests: real SDK providers with in-memory exporters (never registered
 * globally, so tests don't share them), plus the Prometheus scrape. The AsyncLocalStorage context
 * manager is registered once, as the SDK does in the process: spans find their parents through it.
 */
import { type Attributes, context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from "@opentelemetry/sdk-logs";
import { type DataPoint, MeterProvider, type MetricData } from "@opentelemetry/sdk-metrics";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { createGrantpoolMetrics } from "../../src/telemetry/grantpool-metrics.ts";
import { createPrometheusScrape } from "../../src/telemetry/prometheus-scrape.ts";
import { createServerDurations } from "../../src/telemetry/server-durations.ts";
import type { Telemetry } from "../../src/telemetry/telemetry.ts";

let contextManagerReady = false;

function ensureContextManager(): void {
  if (contextManagerReady) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerReady = true;
}

export interface InMemoryTelemetry {
  readonly telemetry: Telemetry;
  spans(): ReadableSpan[];
  logRecords(): ReadableLogRecord[];
  /** Every data point of one metric, as collected now. */
  points(name: string): Promise<DataPoint<unknown>[]>;
  /** The sum of a counter's points whose attributes include `where`. */
  counter(name: string, where?: Attributes): Promise<number>;
  /** Everything the exporters hold, as text, for scanning for secrets. */
  everything(): Promise<string>;
}

function matches(attributes: Attributes, where: Attributes): boolean {
  return Object.entries(where).every(([key, value]) => attributes[key] === value);
}

export function createInMemoryTelemetry(): InMemoryTelemetry {
  ensureContextManager();
  const resource = resourceFromAttributes({ "service.name": "grantpool", "grantpool.mode": "proxy" });
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })],
  });
  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter: logExporter })],
  });
  const serverDurations = createServerDurations({ name: "grantpool" });
  const prometheus = createPrometheusScrape([serverDurations.producer]);
  const meterProvider = new MeterProvider({ resource, readers: [prometheus.reader] });
  const meter = meterProvider.getMeter("grantpool");
  const telemetry: Telemetry = {
    tracer: tracerProvider.getTracer("grantpool"),
    meter,
    metrics: createGrantpoolMetrics(meter, serverDurations),
    events: loggerProvider.getLogger("grantpool"),
    scrape: prometheus.scrape,
    recording: true,
    tracing: true,
    shutdown: async () => {
      await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
  const collect = async (): Promise<MetricData[]> => {
    const { resourceMetrics } = await prometheus.reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  };
  const points = async (name: string): Promise<DataPoint<unknown>[]> =>
    (await collect())
      .filter((metric) => metric.descriptor.name === name)
      .flatMap((metric) => metric.dataPoints as DataPoint<unknown>[]);
  return {
    telemetry,
    spans: () => spanExporter.getFinishedSpans(),
    logRecords: () => logExporter.getFinishedLogRecords(),
    points,
    async counter(name, where = {}) {
      return (await points(name))
        .filter((point) => matches(point.attributes, where))
        .reduce((sum, point) => sum + Number(point.value), 0);
    },
    async everything() {
      const spans = spanExporter.getFinishedSpans().map((span) => ({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
        resource: span.resource.attributes,
      }));
      const logs = logExporter.getFinishedLogRecords().map((record) => ({
        body: record.body,
        attributes: record.attributes,
        eventName: record.eventName,
      }));
      return `${JSON.stringify({ spans, logs })}\n${await prometheus.scrape()}`;
    },
  };
}
