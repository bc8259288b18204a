/** One verification of a refresh token for the operator: a refresh, then whose token it is. */
import { SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import { describeTokenFailure } from "../accounts/token-failure.ts";
import type { GoogleOAuthClient } from "../oauth/google-oauth-client.ts";
import { inSpan } from "../platform/in-span.ts";
import { type GrantpoolMetrics, NOOP_METRICS, recordRefresh } from "../telemetry/grantpool-metrics.ts";
import { type Clock, systemClock } from "../time/clock.ts";
import type { Verification } from "./reconcile-account.ts";

export interface VerifierTelemetry {
  readonly clock?: Clock;
  readonly metrics?: GrantpoolMetrics;
  readonly tracer?: Tracer;
}

export function createTokenVerifier(
  oauth: GoogleOAuthClient,
  telemetry: VerifierTelemetry = {},
): (refreshToken: string) => Promise<Verification> {
  const clock = telemetry.clock ?? systemClock;
  const metrics = telemetry.metrics ?? NOOP_METRICS;
  const tracer = telemetry.tracer;
  const verify = async (refreshToken: string): Promise<Verification> => {
    const started = clock.now();
    const grant = await oauth.refresh(refreshToken);
    recordRefresh(metrics, {
      outcome: grant.ok ? "success" : grant.error.kind,
      seconds: (clock.now() - started) / 1000,
    });
    if (!grant.ok) {
      const reason = describeTokenFailure(grant.error);
      return grant.error.kind === "invalid_grant"
        ? { kind: "rejected", reason }
        : { kind: "unavailable", reason };
    }
    const identity = await oauth.userinfo(grant.value.accessToken);
    if (!identity.ok) return { kind: "unavailable", reason: describeTokenFailure(identity.error) };
    return { kind: "valid", email: identity.value.email };
  };
  return (refreshToken) =>
    inSpan(
      tracer,
      "grantpool.token.verify",
      { kind: SpanKind.CLIENT },
      () => verify(refreshToken),
      (verdict, span) => {
        span.setAttribute("grantpool.verification", verdict.kind);
        if (verdict.kind !== "valid") span.setStatus({ code: SpanStatusCode.ERROR });
      },
    );
}
