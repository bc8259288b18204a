/**
 * The operator's controller: the shared Account cache's watches feed a work queue (a Secret event
 * enqueues exactly the Accounts that use it), and each key is reconciled (account-reconciler.ts)
 * inside a span and counted by result; every Account is enqueued again at each resync.
 */
import { SpanStatusCode, type Tracer } from "@opentelemetry/api";
import { AccountCache } from "../kubernetes/account-cache.ts";
import type { KubeApi } from "../kubernetes/kube-api.ts";
import { startResync } from "../kubernetes/resync.ts";
import type { Logger } from "../log/logger.ts";
import { inSpan } from "../platform/in-span.ts";
import type { AccountStateCounts } from "../telemetry/account-states-gauge.ts";
import { type GrantpoolMetrics, NOOP_TRACER } from "../telemetry/grantpool-metrics.ts";
import type { CancelTimer, Clock } from "../time/clock.ts";
import { createAccountReconciler } from "./account-reconciler.ts";
import type { Verification } from "./reconcile-account.ts";
import { type WorkOutcome, WorkQueue } from "./work-queue.ts";

export interface ControllerOptions {
  readonly api: KubeApi;
  readonly namespace?: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly verify: (refreshToken: string) => Promise<Verification>;
  /** Every this often, every Account is reconciled again. */
  readonly resyncMs?: number;
  /** After an unavailable verification, try again this much later. */
  readonly retryMs?: number;
  /** Counts reconciliations by result. */
  readonly metrics?: GrantpoolMetrics;
  /** A span per reconciliation (the verification's refresh is its child). */
  readonly tracer?: Tracer;
}

export interface AccountController {
  /** Resolves once both caches are complete. */
  readonly synced: Promise<void>;
  /** Starts reconciling (the leader does); idempotent. */
  startWorking(): void;
  /** Stops reconciling and waits for the run in flight; informers keep the cache warm. */
  stopWorking(): Promise<void>;
  close(): Promise<void>;
  /** The Accounts in the cache by state, as the cluster says (no cooldowns: those live in proxies). */
  stateCounts(): AccountStateCounts;
}

export function createAccountController(options: ControllerOptions): AccountController {
  const { api, log, clock } = options;
  const cache = new AccountCache(log);
  let queue: WorkQueue<string> | undefined;
  let stopResync: CancelTimer = () => {};

  const reconcile = createAccountReconciler({
    api,
    cache,
    clock,
    log,
    verify: options.verify,
    ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }),
  });
  const tracer = options.tracer ?? NOOP_TRACER;
  const counted = (id: string): Promise<WorkOutcome> =>
    inSpan(
      tracer,
      "grantpool.operator.reconcile",
      { attributes: { "grantpool.account.id": id } },
      // A thrown error is a failed run to the queue as well; here it is counted as one.
      () => reconcile(id).catch((error: unknown): WorkOutcome => ({ error })),
      (outcome, span) => {
        const result = "error" in outcome ? "error" : "success";
        options.metrics?.reconciles.add(1, { result });
        span.setAttribute("grantpool.reconcile.result", result);
        if (result === "error") span.setStatus({ code: SpanStatusCode.ERROR });
      },
    );

  const informers = cache.watch({
    api,
    namespace: options.namespace,
    clock,
    onChange: (id) => queue?.add(id),
  });

  const stopWorking = async (): Promise<void> => {
    stopResync();
    const current = queue;
    queue = undefined;
    await current?.shutDown();
  };

  return {
    synced: informers.synced,
    startWorking() {
      if (queue !== undefined) return;
      const started = new WorkQueue<string>({
        clock,
        log,
        process: counted,
        baseDelayMs: 200,
        maxDelayMs: 60_000,
      });
      queue = started;
      for (const id of cache.ids()) started.add(id);
      stopResync = startResync(clock, options.resyncMs ?? 300_000, () => {
        for (const id of cache.ids()) queue?.add(id);
      });
    },
    stopWorking,
    async close() {
      await stopWorking();
      await informers.stop();
    },
    stateCounts() {
      const counts = { active: 0, disabled: 0, proxy_disabled: 0, cooldown: 0 };
      for (const account of cache.resources()) {
        if (account.status?.disabled === true) counts.disabled += 1;
        else if (account.spec.proxyDisabled) counts.proxy_disabled += 1;
        else counts.active += 1;
      }
      return counts;
    },
  };
}
