import { afterEach, describe, expect, test } from "bun:test";
import { logBatchOptionsFromEnv, positiveFromEnv } from "../../../src/telemetry/env-settings.ts";

// The SDK's reader reads process.env: each test sets what it needs and the names are cleared after.
const NAMES = [
  "OTEL_BLRP_SCHEDULE_DELAY",
  "OTEL_BLRP_MAX_QUEUE_SIZE",
  "OTEL_BSP_SCHEDULE_DELAY",
  "OTEL_METRIC_EXPORT_INTERVAL",
];

function setEnv(values: Record<string, string>): void {
  Object.assign(process.env, values);
}

afterEach(() => {
  for (const name of NAMES) delete process.env[name];
});

describe("logBatchOptionsFromEnv", () => {
  test("reads the standard batch variables and ignores malformed ones", () => {
    setEnv({
      OTEL_BLRP_SCHEDULE_DELAY: "200",
      OTEL_BLRP_MAX_QUEUE_SIZE: "lots",
      OTEL_BSP_SCHEDULE_DELAY: "9",
    });
    expect(logBatchOptionsFromEnv()).toEqual({ scheduledDelayMillis: 200 });
  });
});

describe("positiveFromEnv", () => {
  test("is undefined when unset, malformed or not positive", () => {
    expect(positiveFromEnv("OTEL_METRIC_EXPORT_INTERVAL")).toBeUndefined();
    setEnv({ OTEL_METRIC_EXPORT_INTERVAL: "0" });
    expect(positiveFromEnv("OTEL_METRIC_EXPORT_INTERVAL")).toBeUndefined();
    setEnv({ OTEL_METRIC_EXPORT_INTERVAL: "250" });
    expect(positiveFromEnv("OTEL_METRIC_EXPORT_INTERVAL")).toBe(250);
  });
});
