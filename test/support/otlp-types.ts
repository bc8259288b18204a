/** The decoded shapes of OTLP export requests (what otlp-protobuf.ts produces). */

/** A 64-bit integer: a number when it is safe as one, else a bigint. */
export type Int64 = number | bigint;

export type AttributeMap = Record<string, unknown>;

export interface DecodedScope {
  name: string;
  version: string;
  attributes: AttributeMap;
}

/** Where a span, metric or log record came from. */
export interface Origin {
  /** The resource's attributes, e.g. `resource["service.name"]`. */
  resource: AttributeMap;
  scope: DecodedScope;
}

export type SpanKindName = "unspecified" | "internal" | "server" | "client" | "producer" | "consumer";
export type StatusCodeName = "unset" | "ok" | "error";

export interface DecodedSpanEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: AttributeMap;
}

export interface DecodedSpan extends Origin {
  /** Lowercase hex. */
  traceId: string;
  spanId: string;
  /** Undefined for a root span (the field is empty on the wire). */
  parentSpanId: string | undefined;
  traceState: string;
  name: string;
  /** The proto's SpanKind, which is the API's `SpanKind` + 1 (0 is "unspecified"). */
  kind: SpanKindName;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: AttributeMap;
  events: DecodedSpanEvent[];
  status: { code: StatusCodeName; message: string };
  flags: number;
}

export type MetricType = "gauge" | "sum" | "histogram" | "exponentialHistogram" | "summary";
export type TemporalityName = "unspecified" | "delta" | "cumulative";

/** A data point. Number points carry `value`; the histogram and summary kinds carry `count`/`sum`. */
export interface DecodedPoint {
  attributes: AttributeMap;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  value?: Int64 | undefined;
  count?: Int64 | undefined;
  sum?: number | undefined;
  /** Explicit-bucket histograms only: `buckets.length === bounds.length + 1`. */
  buckets?: Int64[] | undefined;
  bounds?: number[] | undefined;
  min?: number | undefined;
  max?: number | undefined;
}

export interface DecodedMetric extends Origin {
  name: string;
  description: string;
  unit: string;
  /** Undefined when the metric carries no data (or a kind this decoder does not know). */
  type: MetricType | undefined;
  points: DecodedPoint[];
  temporality?: TemporalityName | undefined;
  isMonotonic?: boolean | undefined;
}

export interface DecodedLogRecord extends Origin {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  /** An AnyValue; undefined when the record has no body. */
  body: unknown;
  attributes: AttributeMap;
  traceId: string | undefined;
  spanId: string | undefined;
  flags: number;
  /** Undefined when the field is absent (proto3 empty string). */
  eventName: string | undefined;
}
