/**
 * Starts OpenTelemetry for one grantpool process (SPEC §9) — the only importer of
 * @opentelemetry/sdk-node. Metrics feed `/metrics` (when enabled) and OTLP; traces and the log
 * events go out over OTLP only when an endpoint is configured, and otherwise are never recorded.
 * Resource: service.name=grantpool, service.version, grantpool.mode, and in Kubernetes the pod and
 * namespace; OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME apply on top. Process command lines
 * are left out of the resource (they can hold keys). Any failure here leaves telemetry off and
 * the process serving.
 */

import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { DiagLogLevel, diag, logs, metrics, trace } from "@opentelemetry/api";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { envDetector, resourceFromAttributes, serviceInstanceIdDetector } from "@opentelemetry/resources";
import { BatchLogRecordProcessor } from "@opentelemetry/sdk-logs";
import {
  type IMetricReader,
  type MetricProducer,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { NodeSDK } from "@opentelemetry/sdk-node";
import type { Logger } from "../log/logger.ts";
import { redact } from "../log/redact.ts";
import type { Throttle } from "../log/throttle.ts";
import { VERSION } from "../version.ts";
import { logBatchOptionsFromEnv, positiveFromEnv } from "./env-settings.ts";
import { createGrantpoolMetrics } from "./grantpool-metrics.ts";
import { planOtlp } from "./otlp-signals.ts";
import { createPrometheusScrape } from "./prometheus-scrape.ts";
import { resourceAttributes } from "./resource-attributes.ts";
import { createServerDurations } from "./server-durations.ts";
import { DISABLED_TELEMETRY, type Telemetry } from "./telemetry.ts";

export interface StartTelemetryOptions {
  readonly mode: "proxy" | "operator";
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Serve `/metrics` (the `metrics` setting). */
  readonly prometheus: boolean;
  readonly log: Logger;
  /** Limits the SDK's own complaints (an unreachable collector) to one line per minute each. */
  readonly throttle: Throttle;
}

const SCOPE = "grantpool";

function readSmallFile(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * An SDK diagnostic in one short line: errors (which the SDK's error handler hands over as JSON)
 * by their message and code, never their stack.
 */
function describeDiagnostic(parts: readonly unknown[]): string {
  const describe = (part: unknown): string => {
    if (typeof part === "string") return part.startsWith("{") ? describe(parseJson(part) ?? part) : part;
    if (typeof part === "object" && part !== null && "message" in part && typeof part.message === "string") {
      const code = "code" in part && part.code !== undefined ? ` (${String(part.code)})` : "";
      return `${part.message}${code}`;
    }
    return String(part);
  };
  const text = parts.map(describe).join(" ");
  return redact(text.length > MAX_DIAGNOSTIC ? `${text.slice(0, MAX_DIAGNOSTIC)}…` : text);
}

const MAX_DIAGNOSTIC = 300;

/** The SDK's diagnostics go to grantpool's log at warn level, throttled. */
function routeDiagnostics(options: StartTelemetryOptions): void {
  if (options.env.OTEL_LOG_LEVEL !== undefined) return; // The SDK then logs to the console itself.
  const say = (...parts: unknown[]): void => {
    const message = describeDiagnostic(parts);
    if (options.throttle(`otel:${message.slice(0, 80)}`)) options.log.warn(`OpenTelemetry: ${message}`);
  };
  const ignore = (): void => {};
  diag.setLogger(
    { error: say, warn: say, info: ignore, debug: ignore, verbose: ignore },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
}

/**
 * The periodic OTLP metric export, every OTEL_METRIC_EXPORT_INTERVAL. Built here because the
 * SDK's own reader from the environment cannot take our metric producers.
 */
function otlpMetricReader(metricProducers: MetricProducer[]): IMetricReader {
  const interval = positiveFromEnv("OTEL_METRIC_EXPORT_INTERVAL");
  const timeout = positiveFromEnv("OTEL_METRIC_EXPORT_TIMEOUT");
  return new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter(),
    metricProducers,
    ...(interval === undefined ? {} : { exportIntervalMillis: interval }),
    ...(timeout === undefined ? {} : { exportTimeoutMillis: Math.min(timeout, interval ?? timeout) }),
  });
}

export function startTelemetry(options: StartTelemetryOptions): Telemetry {
  const { env, log } = options;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return DISABLED_TELEMETRY;
  const plan = planOtlp(env);
  for (const warning of plan.warnings) log.warn(warning);
  if (!options.prometheus && !plan.traces && !plan.metrics && !plan.logs) return DISABLED_TELEMETRY;
  try {
    routeDiagnostics(options);
    const serverDurations = createServerDurations({ name: SCOPE, version: VERSION });
    const metricProducers = [serverDurations.producer];
    const prometheus = options.prometheus ? createPrometheusScrape(metricProducers) : undefined;
    const metricReaders: IMetricReader[] = prometheus === undefined ? [] : [prometheus.reader];
    if (plan.metrics) metricReaders.push(otlpMetricReader(metricProducers));
    const sdk = new NodeSDK({
      resource: resourceFromAttributes(
        resourceAttributes({
          mode: options.mode,
          version: VERSION,
          hostname: hostname(),
          env,
          readFile: readSmallFile,
        }),
      ),
      // Synchronous detectors only; the process detector is left out (command lines can hold keys).
      resourceDetectors: [envDetector, serviceInstanceIdDetector],
      metricReaders,
      // Given an exporter, the SDK batches spans as OTEL_BSP_* and OTEL_TRACES_SAMPLER* say.
      ...(plan.traces ? { traceExporter: new OTLPTraceExporter() } : { spanProcessors: [] }),
      logRecordProcessors: plan.logs
        ? [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter(), ...logBatchOptionsFromEnv() })]
        : [],
    });
    sdk.start();
    const meter = metrics.getMeter(SCOPE, VERSION);
    return {
      tracer: trace.getTracer(SCOPE, VERSION),
      meter,
      metrics: createGrantpoolMetrics(meter, serverDurations),
      events: logs.getLogger(SCOPE, VERSION),
      scrape: prometheus?.scrape,
      recording: true,
      tracing: plan.traces,
      shutdown: () =>
        sdk.shutdown().catch((cause: unknown) => {
          log.warn(`OpenTelemetry: shutting down failed: ${String(cause)}`);
        }),
    };
  } catch (cause) {
    log.error(`OpenTelemetry could not start, telemetry is off: ${String(cause)}`);
    return DISABLED_TELEMETRY;
  }
}
