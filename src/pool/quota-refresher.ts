/**
 * Keeps every account's per-model quota fresh: fetched at start, then every interval (jittered,
 * a few accounts at a time, so a large pool never sends a burst of calls), after a 429 that says
 * the quota is spent, at a protection's reset time, and on demand. A fetch that fails changes
 * nothing and is logged once per account and hour. What comes back is written to the store only
 * when it changed meaningfully, and applied to the pool at once.
 */
import { isDeepStrictEqual } from "node:util";
import type { Account } from "../accounts/account.ts";
import {
  type AccountQuota,
  groupsBelowThreshold,
  type ModelQuota,
  type QuotaPolicy,
} from "../accounts/quota.ts";
import type { Logger } from "../log/logger.ts";
import { createThrottle, type Throttle } from "../log/throttle.ts";
import { mapLimited } from "../platform/map-limited.ts";
import { err, ok, type Result } from "../result.ts";
import type { AccountStore } from "../stores/account-store.ts";
import type { Clock } from "../time/clock.ts";
import type { AccountPool } from "./account-pool.ts";
import type { Lease } from "./lease.ts";

/** What one quota call found. */
export type QuotaFetch =
  | {
      readonly kind: "quota";
      readonly models: readonly ModelQuota[];
      /** The account's Code Assist tier, when Google said (the reference's subscription_tier). */
      readonly subscriptionTier?: string;
    }
  /** Google refused the call (403): the reference marks the quota forbidden. */
  | { readonly kind: "forbidden" }
  /** No usable answer (network, 5xx, 429, a reply of another shape): nothing changes. */
  | { readonly kind: "failed"; readonly reason: string };

export type FetchQuota = (lease: Lease, signal: AbortSignal) => Promise<QuotaFetch>;

export interface QuotaRefresherOptions {
  readonly pool: Pick<AccountPool, "leaseFor" | "view" | "apply" | "reviewProtections" | "protections">;
  readonly store: Pick<AccountStore, "update">;
  readonly fetchQuota: FetchQuota;
  readonly clock: Clock;
  readonly log: Logger;
  readonly policy?: QuotaPolicy;
  /** Between sweeps; 0: no periodic sweep (start and on demand only). */
  readonly intervalMs: number;
  /** Quota calls in flight at once during a sweep. */
  readonly concurrency?: number;
  /** 0–1 (tests fix it); the interval varies by ±10% with it. */
  readonly random?: () => number;
}

const DEFAULT_CONCURRENCY = 4;
const FETCH_TIMEOUT_MS = 30_000;
const FAILURE_LOG_MS = 60 * 60 * 1000;
/** A 429 saying the quota is spent asks for a fetch at most this often per account. */
const EXHAUSTED_DEBOUNCE_MS = 60_000;
/** A quota unchanged but for its age is written again after this long (its last_updated). */
const REWRITE_AFTER_S = 60 * 60;
/** A fetch at a reset time waits this much longer, so that Google has reset. */
const AFTER_RESET_MS = 5_000;

export class QuotaRefresher {
  readonly #options: QuotaRefresherOptions;
  readonly #failureLog: Throttle;
  readonly #inFlight = new Map<string, Promise<Result<Account, string>>>();
  readonly #lastAsked = new Map<string, number>();
  /** One pending fetch per protected account, at its reset time. */
  readonly #atReset = new Map<string, { at: number; cancel: () => void }>();
  #cancelSweep: (() => void) | undefined;
  #stopped = false;
  #sweeping: Promise<void> | undefined;

  constructor(options: QuotaRefresherOptions) {
    this.#options = options;
    this.#failureLog = createThrottle(options.clock, FAILURE_LOG_MS);
  }

  /** The first sweep now, then one per interval. */
  start(): void {
    this.#sweeping = this.#sweep();
  }

  /** Stops the timers and waits for the sweep in progress to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelSweep?.();
    for (const pending of this.#atReset.values()) pending.cancel();
    this.#atReset.clear();
    await this.#sweeping;
  }

  /** Fetches one account's quota now (one fetch per account at a time); the account as stored after. */
  refresh(accountId: string): Promise<Result<Account, string>> {
    const running = this.#inFlight.get(accountId);
    if (running !== undefined) return running;
    const fetching = this.#fetchOne(accountId).finally(() => this.#inFlight.delete(accountId));
    this.#inFlight.set(accountId, fetching);
    return fetching;
  }

  /** A 429 said the account's quota is spent: look soon, at most once a minute per account. */
  quotaExhausted(accountId: string): void {
    const now = this.#options.clock.now();
    if (now - (this.#lastAsked.get(accountId) ?? Number.NEGATIVE_INFINITY) < EXHAUSTED_DEBOUNCE_MS) return;
    this.#lastAsked.set(accountId, now);
    void this.refresh(accountId);
  }

  async #sweep(): Promise<void> {
    const ids = this.#options.pool
      .view()
      .filter((member) => !member.account.disabled)
      .map((member) => member.account.id);
    // refresh() never rejects; once stopped, the accounts left are passed over.
    await mapLimited(ids, this.#options.concurrency ?? DEFAULT_CONCURRENCY, async (id) => {
      if (!this.#stopped) await this.refresh(id);
    });
    const { intervalMs } = this.#options;
    if (this.#stopped || intervalMs <= 0) return;
    const jitter = 0.9 + 0.2 * (this.#options.random ?? Math.random)();
    this.#cancelSweep = this.#options.clock.setTimer(() => {
      this.#sweeping = this.#sweep();
    }, intervalMs * jitter);
  }

  /** Never rejects: whatever fails (the token, the call, the store) is a failed fetch. */
  async #fetchOne(accountId: string): Promise<Result<Account, string>> {
    try {
      return await this.#fetchAndStore(accountId);
    } catch (cause) {
      return err(this.#failed(accountId, cause instanceof Error ? cause.message : String(cause)));
    }
  }

  async #fetchAndStore(accountId: string): Promise<Result<Account, string>> {
    const { pool, fetchQuota, clock } = this.#options;
    const lease = await pool.leaseFor(accountId);
    if (!lease.ok) return err(this.#failed(accountId, "no fresh access token for it"));
    const fetched = await fetchQuota(lease.value, AbortSignal.timeout(FETCH_TIMEOUT_MS));
    if (fetched.kind === "failed") return err(this.#failed(accountId, fetched.reason));
    const nowSeconds = Math.floor(clock.now() / 1000);
    const stored = await this.#options.store.update(accountId, (account) =>
      this.#withQuota(account, fetched, nowSeconds),
    );
    if (stored.status === "missing") return err("the account is gone");
    if (stored.status === "updated") pool.apply({ type: "upsert", account: stored.account });
    this.#scheduleAtReset(accountId);
    return ok(stored.account);
  }

  /** The account with what the fetch found; undefined when nothing meaningful changed. */
  #withQuota(account: Account, fetched: QuotaFetch, nowSeconds: number): Account | undefined {
    const before = account.quota;
    const tier =
      (fetched.kind === "quota" ? fetched.subscriptionTier : undefined) ?? before?.subscriptionTier;
    const base = { lastUpdated: nowSeconds, ...(tier === undefined ? {} : { subscriptionTier: tier }) };
    const quota: AccountQuota =
      fetched.kind === "quota"
        ? { models: fetched.models, isForbidden: false, ...base }
        : { models: before?.models ?? [], isForbidden: true, ...base };
    const policy = this.#options.policy;
    const protectedModels =
      policy === undefined || fetched.kind !== "quota"
        ? account.protectedModels
        : groupsBelowThreshold(quota, policy);
    const listedSame = isDeepStrictEqual(protectedModels, account.protectedModels);
    if (before !== undefined && listedSame && !changedMeaningfully(before, quota)) return undefined;
    const next = { ...account, quota };
    return protectedModels === undefined ? next : { ...next, protectedModels };
  }

  /** A protected account is fetched again just after its protection's reset time. */
  #scheduleAtReset(accountId: string): void {
    if (this.#stopped) return;
    const now = this.#options.clock.now();
    const protections = this.#options.pool.protections(accountId);
    const resets = [...protections.values()].map((block) => block.until).filter(Number.isFinite);
    const at = resets.length === 0 ? undefined : Math.min(...resets) + AFTER_RESET_MS;
    const pending = this.#atReset.get(accountId);
    if (pending !== undefined && pending.at === at) return;
    pending?.cancel();
    this.#atReset.delete(accountId);
    if (at === undefined) return;
    const cancel = this.#options.clock.setTimer(
      () => {
        this.#atReset.delete(accountId);
        this.#options.pool.reviewProtections(accountId);
        void this.refresh(accountId);
      },
      Math.max(0, at - now),
    );
    this.#atReset.set(accountId, { at, cancel });
  }

  #failed(accountId: string, reason: string): string {
    if (this.#failureLog(accountId)) {
      this.#options.log.warn(
        `Quota fetch failed for account ${accountId}: ${reason}; its quota stays as it was`,
        {
          account: accountId,
        },
      );
    }
    return reason;
  }
}

/** Whether a new quota says something the stored one does not (or the stored one is old). */
export function changedMeaningfully(before: AccountQuota, after: AccountQuota): boolean {
  if (before.isForbidden !== after.isForbidden || before.subscriptionTier !== after.subscriptionTier)
    return true;
  if ((after.lastUpdated ?? 0) - (before.lastUpdated ?? 0) >= REWRITE_AFTER_S) return true;
  if (before.models.length !== after.models.length) return true;
  return after.models.some((model, i) => {
    const old = before.models[i];
    if (old === undefined || old.name !== model.name || old.percentage !== model.percentage) return true;
    // A full quota's reset time moves on with every call; it says nothing until some is used.
    return model.percentage < 100 && old.resetTime !== model.resetTime;
  });
}
