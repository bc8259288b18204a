/**
 * Decodes OTLP/HTTP protobuf export requests (opentelemetry-proto v1: collector/*, trace, metrics,
 * logs, common, resource) into flat plain objects for assertions. Field numbers follow the .proto
 * files; it shares no code with the OpenTelemetry JS serializer it checks.
 */

import type {
  AttributeMap,
  DecodedLogRecord,
  DecodedMetric,
  DecodedPoint,
  DecodedScope,
  DecodedSpan,
  DecodedSpanEvent,
  MetricType,
  Origin,
} from "./otlp-types.ts";
import {
  boolOf,
  bytesOf,
  decodeMessage,
  doubleOf,
  embeddedMessage,
  enumOf,
  type FieldReaders,
  hexOf,
  int64ToJs,
  numberOf,
  repeatedDoubleOf,
  repeatedFixed64Of,
  repeatedMessages,
  signedOf,
  stringOf,
  unsignedOf,
  type WireField,
} from "./protobuf-wire.ts";

const SPAN_KINDS = ["unspecified", "internal", "server", "client", "producer", "consumer"] as const;
const STATUS_CODES = ["unset", "ok", "error"] as const;
const TEMPORALITIES = ["unspecified", "delta", "cumulative"] as const;

// ---- common/v1, resource/v1 ----

const ANY_VALUE: FieldReaders<{ value: unknown }> = {
  1: (f) => ({ value: stringOf(f) }),
  2: (f) => ({ value: boolOf(f) }),
  3: (f) => ({ value: int64ToJs(signedOf(f)) }),
  4: (f) => ({ value: doubleOf(f) }),
  5: (f) => ({ value: repeatedMessages(bytesOf(f), 1).map(decodeAnyValue) }), // ArrayValue{1 values}
  6: (f) => ({ value: decodeMessage(bytesOf(f), {}, { 1: keyValue }) }), // KeyValueList{1 values}
  7: (f) => ({ value: bytesOf(f).slice() }),
};

/** AnyValue → string | boolean | Int64 | number | unknown[] | Record | Uint8Array; undefined when empty. */
export function decodeAnyValue(bytes: Uint8Array): unknown {
  return decodeMessage(bytes, { value: undefined as unknown }, ANY_VALUE).value;
}

const KEY_VALUE: FieldReaders<{ key: string; value: unknown }> = {
  1: (f) => ({ key: stringOf(f) }),
  2: (f) => ({ value: decodeAnyValue(bytesOf(f)) }),
};

/** One KeyValue field as a one-entry map, to merge into an attribute map. */
function keyValue(f: WireField): AttributeMap {
  const { key, value } = decodeMessage(bytesOf(f), { key: "", value: undefined as unknown }, KEY_VALUE);
  return { [key]: value };
}

/** A reader for a repeated `attributes` KeyValue field. */
const attribute = <T extends { attributes: AttributeMap }>(f: WireField, decoded: T): Partial<T> =>
  ({ attributes: { ...decoded.attributes, ...keyValue(f) } }) as Partial<T>;

const SCOPE: FieldReaders<DecodedScope> = {
  1: (f) => ({ name: stringOf(f) }),
  2: (f) => ({ version: stringOf(f) }),
  3: attribute,
};

/**
 * Walks the Export*ServiceRequest → Resource* → Scope* nesting shared by the three signals
 * (each level: 1 = resource/scope, 2 = the repeated children) and decodes each leaf with `leaf`.
 */
function decodeExport<T>(body: Uint8Array, leaf: (bytes: Uint8Array, origin: Origin) => T): T[] {
  return repeatedMessages(body, 1).flatMap((resourceLevel) => {
    const resource = decodeMessage(embeddedMessage(resourceLevel, 1), {}, { 1: keyValue });
    return repeatedMessages(resourceLevel, 2).flatMap((scopeLevel) => {
      const scope = decodeMessage(
        embeddedMessage(scopeLevel, 1),
        { name: "", version: "", attributes: {} },
        SCOPE,
      );
      return repeatedMessages(scopeLevel, 2).map((bytes) => leaf(bytes, { resource, scope }));
    });
  });
}

// ---- trace/v1 ----

const EVENT: FieldReaders<DecodedSpanEvent> = {
  1: (f) => ({ timeUnixNano: unsignedOf(f) }),
  2: (f) => ({ name: stringOf(f) }),
  3: attribute,
};

const STATUS: FieldReaders<DecodedSpan["status"]> = {
  2: (f) => ({ message: stringOf(f) }),
  3: (f) => ({ code: enumOf(STATUS_CODES, f) }),
};

const SPAN: FieldReaders<DecodedSpan> = {
  1: (f) => ({ traceId: hexOf(f) }),
  2: (f) => ({ spanId: hexOf(f) }),
  3: (f) => ({ traceState: stringOf(f) }),
  4: (f) => ({ parentSpanId: hexOf(f) || undefined }),
  5: (f) => ({ name: stringOf(f) }),
  6: (f) => ({ kind: enumOf(SPAN_KINDS, f) }),
  7: (f) => ({ startTimeUnixNano: unsignedOf(f) }),
  8: (f) => ({ endTimeUnixNano: unsignedOf(f) }),
  9: attribute,
  11: (f, span) => ({
    events: [
      ...span.events,
      decodeMessage(bytesOf(f), { name: "", timeUnixNano: 0n, attributes: {} }, EVENT),
    ],
  }),
  15: (f) => ({ status: decodeMessage(bytesOf(f), { code: "unset", message: "" }, STATUS) }),
  16: (f) => ({ flags: numberOf(f) }),
};

export function decodeTraceExport(body: Uint8Array): DecodedSpan[] {
  return decodeExport(body, (bytes, origin) =>
    decodeMessage(
      bytes,
      {
        ...origin,
        traceId: "",
        spanId: "",
        parentSpanId: undefined,
        traceState: "",
        name: "",
        kind: "unspecified",
        startTimeUnixNano: 0n,
        endTimeUnixNano: 0n,
        attributes: {},
        events: [],
        status: { code: "unset", message: "" },
        flags: 0,
      },
      SPAN,
    ),
  );
}

// ---- metrics/v1 ----

/** Fields every data point kind shares: 2 = start time, 3 = time. */
const TIMES: FieldReaders<DecodedPoint> = {
  2: (f) => ({ startTimeUnixNano: unsignedOf(f) }),
  3: (f) => ({ timeUnixNano: unsignedOf(f) }),
};
/** Histogram, ExponentialHistogram and Summary points: 4 = count (fixed64), 5 = sum (double). */
const COUNT_SUM: FieldReaders<DecodedPoint> = {
  ...TIMES,
  4: (f) => ({ count: int64ToJs(unsignedOf(f)) }),
  5: (f) => ({ sum: doubleOf(f) }),
};

const POINTS: Record<MetricType, FieldReaders<DecodedPoint>> = {
  gauge: numberPoint(),
  sum: numberPoint(),
  histogram: {
    ...COUNT_SUM,
    6: (f, p) => ({ buckets: [...(p.buckets ?? []), ...repeatedFixed64Of(f).map(int64ToJs)] }),
    7: (f, p) => ({ bounds: [...(p.bounds ?? []), ...repeatedDoubleOf(f)] }),
    9: attribute,
    11: (f) => ({ min: doubleOf(f) }),
    12: (f) => ({ max: doubleOf(f) }),
  },
  exponentialHistogram: {
    ...COUNT_SUM,
    1: attribute,
    12: (f) => ({ min: doubleOf(f) }),
    13: (f) => ({ max: doubleOf(f) }),
  },
  summary: { ...COUNT_SUM, 7: attribute },
};

function numberPoint(): FieldReaders<DecodedPoint> {
  return {
    ...TIMES,
    4: (f) => ({ value: doubleOf(f) }), // as_double
    6: (f) => ({ value: int64ToJs(signedOf(f)) }), // as_int, sfixed64
    7: attribute,
  };
}

/** Gauge, Sum, Histogram, ExponentialHistogram, Summary: 1 = data_points, 2 = temporality, 3 = is_monotonic. */
const METRIC_DATA: FieldReaders<DecodedMetric> = {
  1: (f, metric) => {
    const point = decodeMessage(
      bytesOf(f),
      { attributes: {}, startTimeUnixNano: 0n, timeUnixNano: 0n },
      POINTS[metric.type ?? "gauge"],
    );
    return { points: [...metric.points, point] };
  },
  2: (f) => ({ temporality: enumOf(TEMPORALITIES, f) }),
  3: (f) => ({ isMonotonic: boolOf(f) }),
};

/** A Metric.data oneof member; `defaults` are the proto3 defaults the wire omits. */
function metricData(type: MetricType, defaults: Partial<DecodedMetric> = {}) {
  return (f: WireField, metric: DecodedMetric) =>
    decodeMessage(bytesOf(f), Object.assign(metric, { type }, defaults), METRIC_DATA);
}

const METRIC: FieldReaders<DecodedMetric> = {
  1: (f) => ({ name: stringOf(f) }),
  2: (f) => ({ description: stringOf(f) }),
  3: (f) => ({ unit: stringOf(f) }),
  5: metricData("gauge"),
  7: metricData("sum", { temporality: "unspecified", isMonotonic: false }),
  9: metricData("histogram", { temporality: "unspecified" }),
  10: metricData("exponentialHistogram", { temporality: "unspecified" }),
  11: metricData("summary"),
};

export function decodeMetricsExport(body: Uint8Array): DecodedMetric[] {
  return decodeExport(body, (bytes, origin) =>
    decodeMessage(
      bytes,
      { ...origin, name: "", description: "", unit: "", type: undefined, points: [] },
      METRIC,
    ),
  );
}

// ---- logs/v1 ----

const LOG_RECORD: FieldReaders<DecodedLogRecord> = {
  1: (f) => ({ timeUnixNano: unsignedOf(f) }),
  2: (f) => ({ severityNumber: numberOf(f) }),
  3: (f) => ({ severityText: stringOf(f) }),
  5: (f) => ({ body: decodeAnyValue(bytesOf(f)) }),
  6: attribute,
  8: (f) => ({ flags: numberOf(f) }),
  9: (f) => ({ traceId: hexOf(f) || undefined }),
  10: (f) => ({ spanId: hexOf(f) || undefined }),
  11: (f) => ({ observedTimeUnixNano: unsignedOf(f) }),
  12: (f) => ({ eventName: stringOf(f) || undefined }),
};

export function decodeLogsExport(body: Uint8Array): DecodedLogRecord[] {
  return decodeExport(body, (bytes, origin) =>
    decodeMessage(
      bytes,
      {
        ...origin,
        timeUnixNano: 0n,
        observedTimeUnixNano: 0n,
        severityNumber: 0,
        severityText: "",
        body: undefined,
        attributes: {},
        traceId: undefined,
        spanId: undefined,
        flags: 0,
        eventName: undefined,
      },
      LOG_RECORD,
    ),
  );
}
