/**
 * Decodes OTLP/HTTP protobuf export requests into flat plain objects for assertions, with
 * protobufjs and the official opentelemetry-proto definitions (v1.9.0, kept in otlp-proto/ since
 * no npm package ships them). It shares no code with the OpenTelemetry JS serializer it checks.
 */
import * as path from "node:path";
import protobuf from "protobufjs";
import type {
  AttributeMap,
  DecodedLogRecord,
  DecodedMetric,
  DecodedPoint,
  DecodedScope,
  DecodedSpan,
  Int64,
  MetricType,
  Origin,
} from "./otlp-types.ts";

const SPAN_KINDS = ["unspecified", "internal", "server", "client", "producer", "consumer"] as const;
const STATUS_CODES = ["unset", "ok", "error"] as const;
const TEMPORALITIES = ["unspecified", "delta", "cumulative"] as const;

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => path.join(import.meta.dir, "otlp-proto", target);
root.loadSync(
  ["trace/v1/trace_service", "metrics/v1/metrics_service", "logs/v1/logs_service"].map(
    (name) => `opentelemetry/proto/collector/${name}.proto`,
  ),
);
const requestType = (signal: string, name: string) =>
  root.lookupType(`opentelemetry.proto.collector.${signal}.v1.Export${name}ServiceRequest`);
const TRACE_REQUEST = requestType("trace", "Trace");
const METRICS_REQUEST = requestType("metrics", "Metrics");
const LOGS_REQUEST = requestType("logs", "Logs");

// The decoded messages, as far as these readers look into them. Absent fields read as the
// proto3 default from the prototype; `present` tells a field that was on the wire.
// biome-ignore lint/suspicious/noExplicitAny: protobufjs reflection decodes to untyped messages
type Message = Record<string, any>;
type Long = { toBigInt(): bigint };

function present(message: Message, field: string): boolean {
  return Object.hasOwn(message, field);
}

/** A 64-bit field (a Long, or a number when it came from a 32-bit-safe default). */
function bigintOf(value: Long | number): bigint {
  return typeof value === "number" ? BigInt(value) : value.toBigInt();
}

function int64Of(value: Long | number): Int64 {
  const big = bigintOf(value);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function nameOf<T extends string>(names: readonly T[], value: number): T {
  return names[value] ?? (names[0] as T);
}

// ---- common/v1, resource/v1 ----

/** AnyValue → string | boolean | Int64 | number | unknown[] | Record | Uint8Array; undefined when empty. */
export function anyValueOf(value: Message | null | undefined): unknown {
  const which: string | undefined = value?.value;
  if (value === null || value === undefined || which === undefined) return undefined;
  if (which === "intValue") return int64Of(value.intValue);
  if (which === "arrayValue") return (value.arrayValue.values as Message[]).map(anyValueOf);
  if (which === "kvlistValue") return attributesOf(value.kvlistValue.values);
  if (which === "bytesValue") return Uint8Array.from(value.bytesValue);
  return value[which];
}

function attributesOf(keyValues: readonly Message[] | undefined): AttributeMap {
  return Object.fromEntries((keyValues ?? []).map((kv) => [kv.key, anyValueOf(kv.value)]));
}

function scopeOf(scope: Message | null): DecodedScope {
  return {
    name: scope?.name ?? "",
    version: scope?.version ?? "",
    attributes: attributesOf(scope?.attributes),
  };
}

/**
 * Walks the Export*ServiceRequest → Resource* → Scope* nesting shared by the three signals and
 * decodes each leaf with `leaf`.
 */
function decodeExport<T>(
  type: protobuf.Type,
  body: Uint8Array,
  levels: readonly [resources: string, scopes: string, leaves: string],
  leaf: (message: Message, origin: Origin) => T,
): T[] {
  const [resources, scopes, leaves] = levels;
  return (type.decode(body) as Message)[resources].flatMap((resourceLevel: Message) => {
    const resource = attributesOf(resourceLevel.resource?.attributes);
    return resourceLevel[scopes].flatMap((scopeLevel: Message) => {
      const scope = scopeOf(scopeLevel.scope);
      return scopeLevel[leaves].map((message: Message) => leaf(message, { resource, scope }));
    });
  });
}

// ---- trace/v1 ----

function spanOf(span: Message, origin: Origin): DecodedSpan {
  return {
    ...origin,
    traceId: hexOf(span.traceId),
    spanId: hexOf(span.spanId),
    parentSpanId: hexOf(span.parentSpanId) || undefined,
    traceState: span.traceState,
    name: span.name,
    kind: nameOf(SPAN_KINDS, span.kind),
    startTimeUnixNano: bigintOf(span.startTimeUnixNano),
    endTimeUnixNano: bigintOf(span.endTimeUnixNano),
    attributes: attributesOf(span.attributes),
    events: (span.events as Message[]).map((event) => ({
      name: event.name,
      timeUnixNano: bigintOf(event.timeUnixNano),
      attributes: attributesOf(event.attributes),
    })),
    status: { code: nameOf(STATUS_CODES, span.status?.code ?? 0), message: span.status?.message ?? "" },
    flags: span.flags,
  };
}

export function decodeTraceExport(body: Uint8Array): DecodedSpan[] {
  return decodeExport(TRACE_REQUEST, body, ["resourceSpans", "scopeSpans", "spans"], spanOf);
}

// ---- metrics/v1 ----

/** A data point of any kind; fields the wire did not carry stay out (undefined). */
function pointOf(point: Message): DecodedPoint {
  const optional = (field: string, read: (value: never) => unknown = (value) => value) =>
    present(point, field) && point[field] !== null ? read(point[field] as never) : undefined;
  const buckets = (point.bucketCounts ?? []) as (Long | number)[];
  const bounds = (point.explicitBounds ?? []) as number[];
  return {
    attributes: attributesOf(point.attributes),
    startTimeUnixNano: bigintOf(point.startTimeUnixNano),
    timeUnixNano: bigintOf(point.timeUnixNano),
    value: (point.value === "asInt" ? int64Of(point.asInt) : optional("asDouble")) as Int64 | undefined,
    count: optional("count", int64Of) as Int64 | undefined,
    sum: optional("sum") as number | undefined,
    buckets: buckets.length === 0 ? undefined : buckets.map(int64Of),
    bounds: bounds.length === 0 ? undefined : bounds,
    min: optional("min") as number | undefined,
    max: optional("max") as number | undefined,
  };
}

function metricOf(metric: Message, origin: Origin): DecodedMetric {
  const type = metric.data as MetricType | undefined;
  const data: Message | undefined = type === undefined ? undefined : metric[type];
  const hasTemporality = type === "sum" || type === "histogram" || type === "exponentialHistogram";
  return {
    ...origin,
    name: metric.name,
    description: metric.description,
    unit: metric.unit,
    type,
    points: ((data?.dataPoints ?? []) as Message[]).map(pointOf),
    temporality: hasTemporality ? nameOf(TEMPORALITIES, data?.aggregationTemporality ?? 0) : undefined,
    isMonotonic: type === "sum" ? data?.isMonotonic : undefined,
  };
}

export function decodeMetricsExport(body: Uint8Array): DecodedMetric[] {
  return decodeExport(METRICS_REQUEST, body, ["resourceMetrics", "scopeMetrics", "metrics"], metricOf);
}

// ---- logs/v1 ----

function logRecordOf(record: Message, origin: Origin): DecodedLogRecord {
  return {
    ...origin,
    timeUnixNano: bigintOf(record.timeUnixNano),
    observedTimeUnixNano: bigintOf(record.observedTimeUnixNano),
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    body: anyValueOf(record.body),
    attributes: attributesOf(record.attributes),
    traceId: hexOf(record.traceId) || undefined,
    spanId: hexOf(record.spanId) || undefined,
    flags: record.flags,
    eventName: record.eventName || undefined,
  };
}

export function decodeLogsExport(body: Uint8Array): DecodedLogRecord[] {
  return decodeExport(LOGS_REQUEST, body, ["resourceLogs", "scopeLogs", "logRecords"], logRecordOf);
}
