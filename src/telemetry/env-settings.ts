/**
 * The few OTEL_* settings grantpool hands to SDK parts it builds itself, read with the SDK's own
 * reader (process.env). The SDK applies the batch settings only to exporters it picks itself, and
 * it would pick gRPC or the console where grantpool exports OTLP/HTTP protobuf only; its reader
 * of the metric interval builds a reader that cannot take grantpool's metric producers.
 */
import { getNumberFromEnv } from "@opentelemetry/core";
import type { BatchLogRecordProcessorOptions } from "@opentelemetry/sdk-logs";

/** A positive number from an OTEL_* variable; undefined when unset or malformed (the SDK warns). */
export function positiveFromEnv(name: string): number | undefined {
  const value = getNumberFromEnv(name);
  return value !== undefined && value > 0 ? value : undefined;
}

const LOG_BATCH_SETTINGS = [
  ["OTEL_BLRP_SCHEDULE_DELAY", "scheduledDelayMillis"],
  ["OTEL_BLRP_EXPORT_TIMEOUT", "exportTimeoutMillis"],
  ["OTEL_BLRP_MAX_QUEUE_SIZE", "maxQueueSize"],
  ["OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "maxExportBatchSize"],
] as const;

/** The log batch processor's options that the `OTEL_BLRP_*` variables set. */
export type LogBatchOptions = Pick<BatchLogRecordProcessorOptions, (typeof LOG_BATCH_SETTINGS)[number][1]>;

/** The standard log batch settings (`OTEL_BLRP_*`). */
export function logBatchOptionsFromEnv(): LogBatchOptions {
  const options: LogBatchOptions = {};
  for (const [name, key] of LOG_BATCH_SETTINGS) {
    const value = positiveFromEnv(name);
    if (value !== undefined) options[key] = value;
  }
  return options;
}
