/**
 * The account pool (SPEC §5): holds every stored account with its temporary health, follows the
 * store's change events, picks an account per request with the configured strategy, and hands out
 * leases with a fresh access token. It knows nothing of HTTP, files or Kubernetes.
 */
import type { Tracer } from "@opentelemetry/api";
import type { Account } from "../accounts/account.ts";
import type { QuotaPolicy } from "../accounts/quota.ts";
import type { UpstreamVerdict } from "../accounts/upstream-failure.ts";
import type { Logger } from "../log/logger.ts";
import type { GoogleOAuthClient } from "../oauth/google-oauth-client.ts";
import { err, type Result } from "../result.ts";
import type { AccountStore, StoreEvent } from "../stores/account-store.ts";
import type { Clock } from "../time/clock.ts";
import type { AccountHealth, Block } from "./account-health.ts";
import { applyUpstreamVerdict, type VerdictDeps } from "./apply-upstream-verdict.ts";
import { AvailabilityIndex } from "./availability/availability-index.ts";
import { EmailIndex } from "./email-index.ts";
import { type AcquireFailure, type Lease, leaseOf } from "./lease.ts";
import { createEntry, type EntryContext, mergeStored, type PoolEntry, stateOf } from "./pool-entry.ts";
import { notify, type PoolObserver } from "./pool-observer.ts";
import { type PoolSummary, summarize } from "./pool-summary.ts";
import { ProtectionAnnouncer } from "./protection-announcer.ts";
import type { SelectionRequest, SelectionStrategy } from "./strategies/selection-strategy.ts";
import { TokenRefresher } from "./token-refresher.ts";

export interface AccountPoolOptions {
  readonly store: AccountStore;
  readonly oauth: GoogleOAuthClient;
  readonly clock: Clock;
  readonly log: Logger;
  readonly strategy: SelectionStrategy;
  readonly refreshSkewSeconds: number;
  readonly observer?: PoolObserver;
  /** Refresh spans; a no-op tracer when not given. */
  readonly tracer?: Tracer;
  /** Quota protection; off when not given (groups the records list are still honoured). */
  readonly quotaPolicy?: QuotaPolicy;
  /** Choose among the accounts with the most quota left for the request's group (quota-tiers.ts). */
  readonly quotaPreference?: boolean;
}

export interface AcquireRequest extends SelectionRequest {
  /** Accounts this request already tried. */
  readonly exclude?: ReadonlySet<string>;
  readonly model?: string;
}

export interface PoolAccountView {
  readonly account: Account;
  readonly state: ReturnType<typeof stateOf>;
  readonly health: AccountHealth;
  /** The quota groups it is protected for now (pool-entry.ts); empty when none. */
  readonly protections: ReadonlyMap<string, Block>;
}

export class AccountPool {
  readonly #options: AccountPoolOptions;
  readonly #entries = new Map<string, PoolEntry>();
  /** Who can serve now, kept current by the entries' change reports (choice in O(1)). */
  readonly #available: AvailabilityIndex;
  readonly #emails = new EmailIndex(() => this.#entries.values());
  /** What every entry shares (one object for all: a closure each would cost memory per account). */
  readonly #entryContext: EntryContext;
  readonly #refresher: TokenRefresher;
  readonly #observer: PoolObserver;
  /** What applying an upstream verdict needs; made once, as a verdict comes with every request. */
  readonly #verdictDeps: VerdictDeps;
  readonly #protections: ProtectionAnnouncer;
  #sortedIds: string[] | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(options: AccountPoolOptions) {
    this.#options = options;
    this.#observer = options.observer ?? {};
    this.#available = new AvailabilityIndex(options.clock, { quotaTiers: options.quotaPreference === true });
    const onChange = (entry: PoolEntry): void => this.#available.changed(entry);
    this.#entryContext =
      options.quotaPolicy === undefined ? { onChange } : { onChange, quotaPolicy: options.quotaPolicy };
    this.#protections = new ProtectionAnnouncer({
      clock: options.clock,
      log: options.log,
      observer: this.#observer,
      store: options.store.kind,
    });
    this.#refresher = new TokenRefresher({
      store: options.store,
      oauth: options.oauth,
      clock: options.clock,
      log: options.log,
      observer: this.#observer,
      ...(options.tracer === undefined ? {} : { tracer: options.tracer }),
      refreshSkewSeconds: options.refreshSkewSeconds,
      onDisabled: (entry) => options.strategy.release(entry.account.id),
    });
    this.#verdictDeps = {
      store: options.store,
      clock: options.clock,
      log: options.log,
      observer: this.#observer,
      onProxyDisabled: (e) => options.strategy.release(e.account.id),
    };
  }

  /** Loads the store and follows its changes from then on. */
  async start(): Promise<void> {
    this.#unsubscribe = this.#options.store.watch((event) => this.#apply(event, false));
    const accounts = await this.#options.store.list();
    for (const account of accounts) this.#apply({ type: "upsert", account }, true);
    this.#available.prepare();
    const { total, active } = this.summary();
    this.#options.log.info(`Loaded ${total} ${total === 1 ? "account" : "accounts"} (${active} active)`, {
      store: this.#options.store.kind,
    });
  }

  /**
   * Applies a change this process just made to the store, without waiting for the store's own
   * event (which arrives later and is then a no-op). Admin writes reach the pool at once this way.
   */
  apply(event: StoreEvent): void {
    this.#apply(event, false);
  }

  /** Re-reads the whole store: accounts gone from it leave the pool, the rest are refreshed. */
  async reload(): Promise<void> {
    const accounts = await this.#options.store.list();
    const present = new Set(accounts.map((account) => account.id));
    for (const id of [...this.#entries.keys()]) {
      if (!present.has(id)) this.#apply({ type: "remove", id }, false);
    }
    for (const account of accounts) this.#apply({ type: "upsert", account }, false);
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Picks a healthy account for one attempt and makes sure its access token is fresh. */
  async acquire(request: AcquireRequest = {}): Promise<Result<Lease, AcquireFailure>> {
    const candidates = this.#available.candidates(request.model, request.exclude);
    const chosen = this.#options.strategy.choose(candidates, request);
    const entry = chosen === undefined ? undefined : this.#entries.get(chosen);
    if (entry === undefined)
      return err({ kind: "no_available_account", summary: this.summary(request.model) });
    const fresh = await this.#refresher.ensureFresh(entry);
    return leaseOf(entry.account.id, fresh);
  }

  /**
   * A lease on one named account, with a fresh token, whatever the strategy would choose: for
   * calls about the account itself (its quota). Disabled accounts have no token to offer.
   */
  async leaseFor(accountId: string): Promise<Result<Lease, AcquireFailure>> {
    const entry = this.#entries.get(accountId);
    if (entry === undefined || entry.account.disabled)
      return err({ kind: "no_available_account", summary: this.summary() });
    return leaseOf(entry.account.id, await this.#refresher.ensureFresh(entry));
  }

  /** The quota groups an account is protected for now, each with its block; empty when none. */
  protections(accountId: string): ReadonlyMap<string, Block> {
    return this.#entries.get(accountId)?.protectionsAt(this.#options.clock.now()) ?? new Map();
  }

  /** Looks again at an account's quota protections (their reset time may have passed). */
  reviewProtections(accountId: string): void {
    const entry = this.#entries.get(accountId);
    if (entry !== undefined) this.#protections.review(entry);
  }

  /** Upstream rejected `accessToken` (401): refresh once, unless someone already did. */
  async refreshAfterRejection(
    accountId: string,
    accessToken: string,
  ): Promise<Result<Lease, AcquireFailure>> {
    const entry = this.#entries.get(accountId);
    if (entry === undefined) return err({ kind: "no_available_account", summary: this.summary() });
    return leaseOf(entry.account.id, await this.#refresher.refreshAfterRejection(entry, accessToken));
  }

  /** Applies what an upstream reply says about the account that sent it (SPEC §5.4). */
  report(accountId: string, verdict: UpstreamVerdict): Promise<void> {
    const entry = this.#entries.get(accountId);
    if (entry === undefined) return Promise.resolve();
    return applyUpstreamVerdict(this.#verdictDeps, entry, verdict);
  }

  /** Whether the strategy reads session keys (sticky): a request's key is computed only then. */
  get usesSessionKeys(): boolean {
    return this.#options.strategy.usesSessionKeys === true;
  }

  summary(model?: string): PoolSummary {
    return summarize(this.#entries.values(), this.#options.clock.now(), model);
  }

  /** Every account the pool knows, with why it is in or out. */
  view(): PoolAccountView[] {
    const now = this.#options.clock.now();
    return this.#ids().flatMap((id) => {
      const entry = this.#entries.get(id);
      return entry === undefined
        ? []
        : [
            {
              account: entry.account,
              state: stateOf(entry, now),
              health: entry.health,
              protections: entry.protectionsAt(now),
            },
          ];
    });
  }

  /** The temporary health of one account, for the upstream error rules; undefined when unknown. */
  health(accountId: string): AccountHealth | undefined {
    return this.#entries.get(accountId)?.health;
  }

  /** Resolves an account id or email to its id (for `fixed` and the CLI). */
  resolve(idOrEmail: string): string | undefined {
    if (this.#entries.has(idOrEmail)) return idOrEmail;
    return this.#emails.idOf(idOrEmail);
  }

  #ids(): string[] {
    this.#sortedIds ??= [...this.#entries.keys()].sort();
    return this.#sortedIds;
  }

  #apply(event: StoreEvent, initialLoad: boolean): void {
    if (event.type === "remove") {
      const removed = this.#entries.get(event.id);
      if (removed !== undefined) {
        this.#entries.delete(event.id);
        this.#sortedIds = undefined;
        this.#available.remove(event.id);
        this.#protections.forget(event.id);
        this.#emails.removed(removed.account);
      }
      this.#options.strategy.release(event.id);
      return;
    }
    const stored = event.account;
    const entry = this.#entries.get(stored.id);
    if (entry === undefined) {
      const created = createEntry(stored, this.#entryContext);
      this.#entries.set(stored.id, created);
      this.#sortedIds = undefined;
      this.#available.add(created);
      this.#emails.added(stored);
      this.#protections.review(created);
      if (stored.disabled) logSkipped(this.#options.log, stored);
      return;
    }
    this.#update(entry, stored, initialLoad);
  }

  #update(entry: PoolEntry, stored: Account, initialLoad: boolean): void {
    const before = entry.account;
    if (before.token.refreshToken !== stored.token.refreshToken) entry.health.reset();
    entry.account = mergeStored(before, stored);
    this.#emails.changed(before, stored);
    if (before.disabled && !stored.disabled) {
      this.#options.log.info(`Account recovered (${stored.email}): back in the pool`, { account: stored.id });
      notify(this.#observer, "accountRecovered", {
        accountId: stored.id,
        email: stored.email,
        store: this.#options.store.kind,
      });
    } else if (!before.disabled && stored.disabled) {
      this.#options.strategy.release(stored.id);
      // Our own disable already logged its two lines (SPEC §5.5); its store event is only an echo.
      if (!initialLoad && !this.#refresher.isOwnDisable(stored)) logSkipped(this.#options.log, stored);
    }
    if (!before.proxyDisabled && stored.proxyDisabled) this.#options.strategy.release(stored.id);
    this.#protections.review(entry);
  }
}

/** A disabled account the pool holds but will not choose. */
function logSkipped(log: Logger, account: Account): void {
  log.info(`Skipping disabled account (${account.email}): ${account.disabledReason ?? ""}`, {
    account: account.id,
  });
}
