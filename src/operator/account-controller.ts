/**
 * The operator's controller: informers on Accounts and Secrets feed a work queue (a Secret event
 * enqueues exactly the Accounts that use it), and each key is reconciled (reconcile-account.ts);
 * the status is written only when it changed, with the resourceVersion read; Events are recorded.
 */
import { SpanStatusCode, type Tracer } from "@opentelemetry/api";
import * as v from "valibot";
import type { Logger } from "../log/logger.ts";
import { startAccountInformers } from "../stores/kubernetes/account-informers.ts";
import { accountId } from "../stores/kubernetes/account-mapping.ts";
import { AccountResource, SecretResource } from "../stores/kubernetes/account-resource.ts";
import { describeKubeError, type KubeApi, statusOf } from "../stores/kubernetes/kube-api.ts";
import type { AccountStateCounts } from "../telemetry/account-states-gauge.ts";
import { type GrantpoolMetrics, NOOP_TRACER } from "../telemetry/grantpool-metrics.ts";
import type { Clock } from "../time/clock.ts";
import { reconcileAccount, type Verification } from "./reconcile-account.ts";
import { sameStatus, statusPatch } from "./status-patch.ts";
import { createWorkQueue, type WorkOutcome, type WorkQueue } from "./work-queue.ts";

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
  const accounts = new Map<string, AccountResource>();
  const secrets = new Map<string, SecretResource>();
  let queue: WorkQueue<string> | undefined;
  let resync: ReturnType<typeof setInterval> | undefined;

  const secretKeyOf = (r: AccountResource) => `${r.metadata.namespace ?? "default"}/${r.spec.secretRef.name}`;
  const enqueue = (id: string) => queue?.add(id);

  const tracer = options.tracer ?? NOOP_TRACER;
  const counted = (id: string): Promise<WorkOutcome> =>
    tracer.startActiveSpan(
      "grantpool.operator.reconcile",
      { attributes: { "grantpool.account.id": id } },
      async (span) => {
        let result = "error";
        try {
          const outcome = await reconcile(id);
          if (!("error" in outcome)) result = "success";
          return outcome;
        } finally {
          options.metrics?.reconciles.add(1, { result });
          span.setAttribute("grantpool.reconcile.result", result);
          if (result === "error") span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        }
      },
    );

  const reconcile = async (id: string): Promise<WorkOutcome> => {
    const account = accounts.get(id);
    if (account === undefined) return {};
    const secret = secrets.get(secretKeyOf(account));
    const result = await reconcileAccount({
      account,
      secret,
      now: new Date(clock.now()),
      verify: options.verify,
    });
    const { namespace = "default", name, resourceVersion } = account.metadata;
    if (!sameStatus(account.status, result.status)) {
      try {
        const written = await api.patchAccountStatus(
          namespace,
          name,
          statusPatch(account.status, result.status, resourceVersion),
        );
        const parsed = v.safeParse(AccountResource, written);
        if (parsed.success) accounts.set(id, parsed.output);
        const ready = result.status.conditions?.find((c) => c.type === "Ready");
        log.info(`Wrote the status of Account ${id}: Ready=${ready?.status ?? "?"}/${ready?.reason ?? "?"}`);
      } catch (error) {
        // 409: someone (a proxy disabling it) wrote first; reconcile again on the fresh object.
        if (statusOf(error) === 409) return { error: new Error(`conflict writing ${id}`) };
        throw new Error(`Cannot write the status of Account ${id}: ${describeKubeError(error)}`);
      }
    }
    for (const event of result.events) {
      log.info(`${event.reason} ${id}: ${event.message}`);
      await api
        .recordEvent({
          namespace,
          involved: { name, ...(account.metadata.uid === undefined ? {} : { uid: account.metadata.uid }) },
          now: new Date(clock.now()),
          component: "operator",
          ...event,
        })
        .catch((error: unknown) =>
          log.warn(`Cannot record Event ${event.reason} for ${id}: ${describeKubeError(error)}`),
        );
    }
    if (result.retry !== undefined) {
      log.warn(`Cannot verify the token of Account ${id} now (${result.retry}); trying again later`);
      return { requeueAfterMs: options.retryMs ?? 30_000 };
    }
    return {};
  };

  const onAccount = (object: unknown, removed: boolean) => {
    const parsed = v.safeParse(AccountResource, object);
    if (!parsed.success) return;
    const id = accountId(parsed.output.metadata.namespace ?? "default", parsed.output.metadata.name);
    if (removed) accounts.delete(id);
    else accounts.set(id, parsed.output);
    enqueue(id);
  };

  const onSecret = (object: unknown, removed: boolean) => {
    const parsed = v.safeParse(SecretResource, object);
    if (!parsed.success) return;
    const key = `${parsed.output.metadata.namespace ?? "default"}/${parsed.output.metadata.name}`;
    if (removed) secrets.delete(key);
    else secrets.set(key, parsed.output);
    for (const [id, account] of accounts) if (secretKeyOf(account) === key) enqueue(id);
  };

  const informers = startAccountInformers({ api, namespace: options.namespace, log, onAccount, onSecret });

  const stopWorking = async () => {
    clearInterval(resync);
    resync = undefined;
    const current = queue;
    queue = undefined;
    await current?.shutDown();
  };

  return {
    synced: informers.synced,
    startWorking() {
      if (queue !== undefined) return;
      queue = createWorkQueue<string>({
        clock,
        log,
        process: counted,
        baseDelayMs: 200,
        maxDelayMs: 60_000,
      });
      for (const id of accounts.keys()) queue.add(id);
      resync = setInterval(() => {
        for (const id of accounts.keys()) enqueue(id);
      }, options.resyncMs ?? 300_000);
    },
    stopWorking,
    async close() {
      await stopWorking();
      await informers.stop();
    },
    stateCounts() {
      const counts = { active: 0, disabled: 0, proxy_disabled: 0, cooldown: 0 };
      for (const account of accounts.values()) {
        if (account.status?.disabled === true) counts.disabled += 1;
        else if (account.spec.proxyDisabled) counts.proxy_disabled += 1;
        else counts.active += 1;
      }
      return counts;
    },
  };
}
