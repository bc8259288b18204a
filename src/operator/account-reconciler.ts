/**
 * One reconciliation of one Account, with its side effects: the wanted status (reconcile-account.ts)
 * is written only when it differs, with the resourceVersion read, then the Events are recorded; a
 * 409 and an unavailable verification come back as a work outcome (retry with backoff, requeue
 * later). It talks to the API server only through `ControllerApi`, so tests record its calls.
 */
import { isDeepStrictEqual } from "node:util";
import type { AccountCache } from "../kubernetes/account-cache.ts";
import type { AccountResource, AccountStatus } from "../kubernetes/account-resource.ts";
import { describeKubeError, type KubeApi, statusOf } from "../kubernetes/kube-api.ts";
import type { Logger } from "../log/logger.ts";
import type { Clock } from "../time/clock.ts";
import { type OperatorEvent, reconcileAccount, type Verification } from "./reconcile-account.ts";
import { statusPatch } from "./status-patch.ts";
import type { WorkOutcome } from "./work-queue.ts";

/** The API calls the controller makes. */
export type ControllerApi = Pick<KubeApi, "patchAccountStatus" | "recordEvent">;

export interface ReconcilerOptions {
  readonly api: ControllerApi;
  readonly cache: AccountCache;
  readonly clock: Clock;
  readonly log: Logger;
  readonly verify: (refreshToken: string) => Promise<Verification>;
  /** After an unavailable verification, try again this much later. Default 30 s. */
  readonly retryMs?: number;
}

/** Reconciles the Account with this id as the cache holds it (a removed one needs nothing). */
export function createAccountReconciler(options: ReconcilerOptions): (id: string) => Promise<WorkOutcome> {
  const { cache, clock, log } = options;
  return async (id) => {
    const account = cache.account(id);
    if (account === undefined) return {};
    const result = await reconcileAccount({
      account,
      secret: cache.secretOf(account),
      now: new Date(clock.now()),
      verify: options.verify,
    });
    if (!isDeepStrictEqual(account.status ?? {}, result.status)) {
      const written = await writeStatus(options, id, account, result.status);
      if (written !== undefined) return written;
    }
    for (const event of result.events) await recordEvent(options, id, account, event);
    if (result.retry !== undefined) {
      log.warn(`Cannot verify the token of Account ${id} now (${result.retry}); trying again later`);
      return { requeueAfterMs: options.retryMs ?? 30_000 };
    }
    return {};
  };
}

/** Writes the status; a failure outcome on 409 (reconcile again on the fresh object), else nothing. */
async function writeStatus(
  options: ReconcilerOptions,
  id: string,
  account: AccountResource,
  status: AccountStatus,
): Promise<WorkOutcome | undefined> {
  const { namespace = "default", name, resourceVersion } = account.metadata;
  try {
    const written = await options.api.patchAccountStatus(
      namespace,
      name,
      statusPatch(account.status, status, resourceVersion),
    );
    options.cache.putAccount(written);
    const ready = status.conditions?.find((c) => c.type === "Ready");
    options.log.info(
      `Wrote the status of Account ${id}: Ready=${ready?.status ?? "?"}/${ready?.reason ?? "?"}`,
    );
    return undefined;
  } catch (error) {
    // 409: someone (a proxy disabling it) wrote first; reconcile again on the fresh object.
    if (statusOf(error) === 409) return { error: new Error(`conflict writing ${id}`) };
    throw new Error(`Cannot write the status of Account ${id}: ${describeKubeError(error)}`);
  }
}

/** Records the Event; a lost Event is logged, never a reason to reconcile again. */
async function recordEvent(
  options: ReconcilerOptions,
  id: string,
  account: AccountResource,
  event: OperatorEvent,
): Promise<void> {
  const { namespace = "default", name, uid } = account.metadata;
  options.log.info(`${event.reason} ${id}: ${event.message}`);
  await options.api
    .recordEvent({
      namespace,
      involved: { name, ...(uid === undefined ? {} : { uid }) },
      now: new Date(options.clock.now()),
      component: "operator",
      ...event,
    })
    .catch((error: unknown) =>
      options.log.warn(`Cannot record Event ${event.reason} for ${id}: ${describeKubeError(error)}`),
    );
}
