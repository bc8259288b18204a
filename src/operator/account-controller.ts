/**
 * The operator's controller: the shared Account cache's watches feed a work queue (a Secret event
 * enqueues exactly the Accounts that use it), and each key is reconciled (account-reconciler.ts)
 * inside a span and counted by result; every Account is enqueued again at each resync.
 */
import { SpanStatusCode, type Tracer } from "@opentelemetry/api";
import { AccountCache } from "../kubernetes/account-cache.ts";
import type { AccountInformers } from "../kubernetes/account-informers.ts";
import type { KubeApi } from "../kubernetes/kube-api.ts";
import { DEFAULT_RESYNC_MS, startResync } from "../kubernetes/resync.ts";
import type { Logger } from "../log/logger.ts";
import { inSpan } from "../platform/in-span.ts";
import type { AccountStateCounts } from "../telemetry/account-states-gauge.ts";
import type { GrantpoolMetrics } from "../telemetry/grantpool-metrics.ts";
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

export class AccountController {
  readonly #options: ControllerOptions;
  readonly #cache: AccountCache;
  readonly #informers: AccountInformers;
  readonly #process: (id: string) => Promise<WorkOutcome>;
  #queue: WorkQueue<string> | undefined;
  #stopResync: CancelTimer = () => {};

  constructor(options: ControllerOptions) {
    this.#options = options;
    const { api, clock, log } = options;
    this.#cache = new AccountCache(log);
    const reconcile = createAccountReconciler({
      api,
      cache: this.#cache,
      clock,
      log,
      verify: options.verify,
      ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }),
    });
    this.#process = (id) => this.#counted(id, reconcile);
    this.#informers = this.#cache.watch({
      api,
      namespace: options.namespace,
      clock,
      onChange: (id) => this.#queue?.add(id),
    });
  }

  /** Resolves once both caches are complete. */
  get synced(): Promise<void> {
    return this.#informers.synced;
  }

  /** Starts reconciling (the leader does); idempotent. */
  startWorking(): void {
    if (this.#queue !== undefined) return;
    const { clock, log } = this.#options;
    const queue = new WorkQueue<string>({
      clock,
      log,
      process: this.#process,
      baseDelayMs: 200,
      maxDelayMs: 60_000,
    });
    this.#queue = queue;
    // Every Account now, and again each resync (a stopped queue ignores adds).
    const enqueueAll = (): void => {
      for (const id of this.#cache.ids()) queue.add(id);
    };
    enqueueAll();
    this.#stopResync = startResync(clock, this.#options.resyncMs ?? DEFAULT_RESYNC_MS, enqueueAll);
  }

  /** Stops reconciling and waits for the run in flight; informers keep the cache warm. */
  async stopWorking(): Promise<void> {
    this.#stopResync();
    const current = this.#queue;
    this.#queue = undefined;
    await current?.shutDown();
  }

  async close(): Promise<void> {
    await this.stopWorking();
    await this.#informers.stop();
  }

  /** The Accounts in the cache by state, as the cluster says (no cooldowns: those live in proxies). */
  stateCounts(): AccountStateCounts {
    const counts = { active: 0, disabled: 0, proxy_disabled: 0, cooldown: 0 };
    for (const account of this.#cache.resources()) {
      if (account.status?.disabled === true) counts.disabled += 1;
      else if (account.spec.proxyDisabled) counts.proxy_disabled += 1;
      else counts.active += 1;
    }
    return counts;
  }

  /** One reconciliation in its span, counted by result. */
  #counted(id: string, reconcile: (id: string) => Promise<WorkOutcome>): Promise<WorkOutcome> {
    return inSpan(
      this.#options.tracer,
      "grantpool.operator.reconcile",
      { attributes: { "grantpool.account.id": id } },
      // A thrown error is a failed run to the queue as well; here it is counted as one.
      () => reconcile(id).catch((error: unknown): WorkOutcome => ({ error })),
      (outcome, span) => {
        const result = "error" in outcome ? "error" : "success";
        this.#options.metrics?.reconciles.add(1, { result });
        span.setAttribute("grantpool.reconcile.result", result);
        if (result === "error") span.setStatus({ code: SpanStatusCode.ERROR });
      },
    );
  }
}
