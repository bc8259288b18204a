import { describe, expect, test } from "bun:test";
import { planOtlp } from "../../../src/telemetry/otlp-signals.ts";

describe("planOtlp", () => {
  test("exports nothing when no OTLP endpoint is set", () => {
    expect(planOtlp({})).toEqual({ traces: false, metrics: false, logs: false, warnings: [] });
  });

  test("exports every signal when OTEL_EXPORTER_OTLP_ENDPOINT is set", () => {
    expect(planOtlp({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toMatchObject({
      traces: true,
      metrics: true,
      logs: true,
    });
  });

  test("a signal-specific endpoint turns on that signal only", () => {
    expect(planOtlp({ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://collector:4318/v1/logs" })).toMatchObject({
      traces: false,
      metrics: false,
      logs: true,
    });
  });

  test("OTEL_<SIGNAL>_EXPORTER=none turns a signal off despite the endpoint", () => {
    const plan = planOtlp({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_EXPORTER: "none" });
    expect(plan).toMatchObject({ traces: false, metrics: true, logs: true, warnings: [] });
  });

  test("says so when asked for a protocol or exporter grantpool does not ship", () => {
    const plan = planOtlp({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4317",
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
      OTEL_METRICS_EXPORTER: "otlp,console",
    });
    expect(plan.traces).toBe(true);
    expect(plan.warnings).toContain(
      "OTEL_METRICS_EXPORTER=console is not supported; grantpool exports otlp only",
    );
    expect(plan.warnings.filter((w) => w.includes("grpc"))).toHaveLength(3);
  });
});
