/**
 * Which signals go out over OTLP, read from the standard variables: a signal is exported when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` or its own `OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT` is set and
 * `OTEL_<SIGNAL>_EXPORTER` does not say `none`. grantpool speaks OTLP over HTTP with protobuf.
 * This is the gating only: the exporters and the SDK read the other OTEL_* settings themselves.
 */
export type Signal = "traces" | "metrics" | "logs";

export interface OtlpPlan {
  readonly traces: boolean;
  readonly metrics: boolean;
  readonly logs: boolean;
  /** Set when the variables ask for something grantpool does not do (it then says so once). */
  readonly warnings: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

const SUPPORTED_PROTOCOL = "http/protobuf";

function isSet(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== "";
}

function exporterNames(env: Env, signal: Signal): string[] {
  const raw = env[`OTEL_${signal.toUpperCase()}_EXPORTER`];
  return isSet(raw) ? (raw ?? "").split(",").map((name) => name.trim().toLowerCase()) : [];
}

export function planOtlp(env: Env): OtlpPlan {
  const warnings: string[] = [];
  const wants = (signal: Signal): boolean => {
    const upper = signal.toUpperCase();
    const names = exporterNames(env, signal);
    if (names.includes("none")) return false;
    const unsupported = names.filter((name) => name !== "otlp");
    if (unsupported.length > 0) {
      warnings.push(
        `OTEL_${upper}_EXPORTER=${unsupported.join(",")} is not supported; grantpool exports otlp only`,
      );
    }
    const endpoint =
      isSet(env.OTEL_EXPORTER_OTLP_ENDPOINT) || isSet(env[`OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`]);
    if (!endpoint) return false;
    const protocol = env[`OTEL_EXPORTER_OTLP_${upper}_PROTOCOL`] ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
    if (isSet(protocol) && protocol !== SUPPORTED_PROTOCOL) {
      warnings.push(
        `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported for ${signal}; exporting ${SUPPORTED_PROTOCOL}`,
      );
    }
    return true;
  };
  const plan = { traces: wants("traces"), metrics: wants("metrics"), logs: wants("logs") };
  return { ...plan, warnings: [...new Set(warnings)] };
}
