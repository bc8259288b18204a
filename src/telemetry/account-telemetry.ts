/**
 * The pool's lifecycle events as telemetry (SPEC §9): each disable and recovery is a counter
 * increment, an OpenTelemetry log event, and a span event on the request's span (or, when no
 * request caused it — a file watch, a Secret rotation — on a short span of its own). Events carry
 * the opaque account id, never the email or any credential.
 */
import {
  type Attributes,
  type Logger as EventLogger,
  SeverityNumber,
  SpanKind,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { redact } from "../log/redact.ts";
import type { AccountEvent, PoolObserver } from "../pool/pool-observer.ts";
import { ACCOUNT_ID, type GrantpoolMetrics, recordRefresh } from "./grantpool-metrics.ts";
import { currentRequestSpan } from "./request-span.ts";

export const DISABLED_EVENT = "grantpool.account.disabled";
export const RECOVERED_EVENT = "grantpool.account.recovered";

export interface AccountTelemetryDeps {
  readonly metrics: GrantpoolMetrics;
  readonly events: EventLogger;
  readonly tracer: Tracer;
}

function recordOnSpan(tracer: Tracer, name: string, attributes: Attributes): void {
  const span = currentRequestSpan() ?? trace.getActiveSpan();
  if (span !== undefined) {
    span.addEvent(name, attributes);
    return;
  }
  // Not inSpan: no work runs in this span, it only carries the event.
  const own = tracer.startSpan("grantpool.pool.change", { kind: SpanKind.INTERNAL, attributes });
  own.addEvent(name, attributes);
  own.end();
}

function emit(
  deps: AccountTelemetryDeps,
  name: string,
  severity: SeverityNumber,
  body: string,
  attributes: Attributes,
): void {
  deps.events.emit({
    eventName: name,
    severityNumber: severity,
    severityText: severity === SeverityNumber.WARN ? "WARN" : "INFO",
    body,
    // `event.name` as an attribute too, for backends that predate the LogRecord field.
    attributes: { "event.name": name, ...attributes },
  });
  recordOnSpan(deps.tracer, name, attributes);
}

function accountAttributes(event: AccountEvent): Attributes {
  return { [ACCOUNT_ID]: event.accountId, "grantpool.store": event.store };
}

export function createAccountTelemetry(deps: AccountTelemetryDeps): PoolObserver {
  return {
    accountDisabled(event) {
      deps.metrics.disables.add(1, { reason: event.reason, [ACCOUNT_ID]: event.accountId });
      const detail = redact(event.detail);
      emit(deps, DISABLED_EVENT, SeverityNumber.WARN, `Account ${event.accountId} disabled: ${detail}`, {
        ...accountAttributes(event),
        "grantpool.disable.reason": event.reason,
        "grantpool.disable.detail": detail,
      });
    },
    accountRecovered(event) {
      deps.metrics.recoveries.add(1, { [ACCOUNT_ID]: event.accountId });
      emit(
        deps,
        RECOVERED_EVENT,
        SeverityNumber.INFO,
        `Account ${event.accountId} recovered: back in the pool`,
        accountAttributes(event),
      );
    },
    quotaProtected(event) {
      deps.metrics.quotaProtections.add(1, { group: event.group });
    },
    tokenRefreshed(event) {
      recordRefresh(deps.metrics, event);
    },
  };
}
