/**
 * The instruments of SPEC §9, created from whatever Meter the process has: the SDK's when
 * telemetry is on, the API's no-op meter otherwise (then every `add` and `record` costs a call).
 * Prometheus renders the names with underscores and counters with `_total`.
 */
import {
  type Counter,
  createNoopMeter,
  type Histogram,
  type Meter,
  ProxyTracerProvider,
  type Tracer,
} from "@opentelemetry/api";
import { NOOP_SERVER_DURATIONS, type ServerDurationRecorder } from "./server-durations.ts";

/** The opaque account id (never the email): bounded by the pool's size, safe to label with. */
export const ACCOUNT_ID = "grantpool.account.id";

export interface GrantpoolMetrics {
  /** Accounts taken out of the pool, by `reason` (`invalid_grant`, `forbidden`). */
  readonly disables: Counter;
  /** Disabled accounts seen returning to this process's pool. */
  readonly recoveries: Counter;
  /** Calls to Google's token endpoint, by `outcome`. */
  readonly refreshes: Counter;
  readonly refreshDuration: Histogram;
  /** Calls sent upstream, by `status_class` (`2xx` … `5xx`, `error` when no reply came) and account. */
  readonly upstreamRequests: UpstreamRequestCounter;
  /** The semantic-convention server duration (server-durations.ts). */
  readonly serverDuration: ServerDurationRecorder;
  /** Operator reconciliations, by `result`. */
  readonly reconciles: Counter;
  /** Quota protections started, by quota `group`. */
  readonly quotaProtections: Counter;
}

/** Counts one upstream call of an account by the status class of its reply. */
export interface UpstreamRequestCounter {
  add(statusClass: string, accountId: string): void;
}

/**
 * `grantpool.upstream.requests`, counted by grantpool and reported when metrics are collected (an
 * asynchronous counter): one call per request is a Map update here, where the SDK's synchronous
 * counter sorts and serializes the attributes on every add. Bounded like the SDK's own storage:
 * one entry per account and status class.
 */
function upstreamRequestCounter(meter: Meter): UpstreamRequestCounter {
  /** By account, then by status class: the account id is the lease's own string, its hash cached. */
  const counts = new Map<string, Record<string, number>>();
  meter
    .createObservableCounter("grantpool.upstream.requests", {
      description: "Requests sent upstream, by HTTP status class (error: no reply)",
    })
    .addCallback((result) => {
      for (const [accountId, byClass] of counts)
        for (const [statusClass, count] of Object.entries(byClass))
          result.observe(count, { status_class: statusClass, [ACCOUNT_ID]: accountId });
    });
  return {
    add(statusClass, accountId) {
      const byClass = counts.get(accountId);
      if (byClass === undefined) counts.set(accountId, { [statusClass]: 1 });
      else byClass[statusClass] = (byClass[statusClass] ?? 0) + 1;
    },
  };
}

/** Token endpoint round trips: tens of milliseconds to the 30 s timeout. */
const REFRESH_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/**
 * The instruments on `meter`; the server duration is recorded into `serverDurations`, which the
 * process's metric readers collect (server-durations.ts).
 */
export function createGrantpoolMetrics(
  meter: Meter,
  serverDurations: ServerDurationRecorder,
): GrantpoolMetrics {
  return {
    disables: meter.createCounter("grantpool.account.disables", {
      description:
        "Accounts disabled, by reason (invalid_grant: the refresh token is dead; forbidden: three 403s)",
    }),
    recoveries: meter.createCounter("grantpool.account.recoveries", {
      description: "Disabled accounts that returned to this process's pool with a new token",
    }),
    refreshes: meter.createCounter("grantpool.token.refreshes", {
      description: "Access-token refreshes at Google's token endpoint, by outcome",
    }),
    refreshDuration: meter.createHistogram("grantpool.token.refresh.duration", {
      description: "Duration of access-token refreshes",
      unit: "s",
      advice: { explicitBucketBoundaries: REFRESH_BUCKETS },
    }),
    upstreamRequests: upstreamRequestCounter(meter),
    serverDuration: serverDurations,
    reconciles: meter.createCounter("grantpool.operator.reconciles", {
      description: "Account reconciliations by the operator, by result",
    }),
    quotaProtections: meter.createCounter("grantpool.account.quota.protections", {
      description: "Times an account was taken out of a model group by quota protection, by group",
    }),
  };
}

/** Instruments that record nothing, for components built without telemetry. */
export const NOOP_METRICS: GrantpoolMetrics = {
  ...createGrantpoolMetrics(createNoopMeter(), NOOP_SERVER_DURATIONS),
  upstreamRequests: { add: () => {} },
};

/** A tracer whose spans are non-recording no-ops (a provider with no delegate), likewise. */
export const NOOP_TRACER: Tracer = new ProxyTracerProvider().getTracer("grantpool");

/** One call to the token endpoint: counted by outcome (and account, when there is one), and timed. */
export function recordRefresh(
  metrics: GrantpoolMetrics,
  refresh: { readonly outcome: string; readonly seconds: number; readonly accountId?: string },
): void {
  const { outcome, seconds, accountId } = refresh;
  metrics.refreshes.add(1, accountId === undefined ? { outcome } : { outcome, [ACCOUNT_ID]: accountId });
  metrics.refreshDuration.record(seconds, { outcome });
}

const STATUS_CLASSES = ["0xx", "1xx", "2xx", "3xx", "4xx", "5xx"];

export function statusClass(status: number | "error"): string {
  if (status === "error") return "error";
  const hundreds = Math.floor(status / 100);
  return STATUS_CLASSES[hundreds] ?? `${hundreds}xx`;
}
