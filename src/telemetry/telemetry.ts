/**
 * What the rest of grantpool sees of telemetry: a tracer, a meter with grantpool's instruments,
 * an event logger, and the Prometheus text of the metrics. Only the OpenTelemetry API is used
 * here; the SDK stays in start-telemetry.ts. `DISABLED_TELEMETRY` records nothing and costs a
 * function call per instrument use.
 */
import {
  createNoopLogger,
  createNoopMeter,
  type Logger as EventLogger,
  type Meter,
  type Tracer,
} from "@opentelemetry/api";
import { type GrantpoolMetrics, NOOP_METRICS, NOOP_TRACER } from "./grantpool-metrics.ts";

export interface Telemetry {
  readonly tracer: Tracer;
  readonly meter: Meter;
  readonly metrics: GrantpoolMetrics;
  /** Emits the OpenTelemetry log events (`grantpool.account.disabled`, …). */
  readonly events: EventLogger;
  /** The Prometheus text of every metric at this moment; undefined when /metrics is off. */
  readonly scrape: (() => Promise<string>) | undefined;
  /** False when nothing is recorded anywhere: the HTTP layer then skips its wrapping entirely. */
  readonly recording: boolean;
  /**
   * True when spans are exported. When false the tracer's spans are no-ops, so nothing needs to
   * start a span or carry a context: the request path skips both (they cost a tenth of its CPU).
   */
  readonly tracing: boolean;
  /** Flushes what is buffered and stops exporting. Never throws. */
  shutdown(): Promise<void>;
}

export const DISABLED_TELEMETRY: Telemetry = {
  tracer: NOOP_TRACER,
  meter: createNoopMeter(),
  metrics: NOOP_METRICS,
  events: createNoopLogger(),
  scrape: undefined,
  recording: false,
  tracing: false,
  shutdown: async () => {},
};
