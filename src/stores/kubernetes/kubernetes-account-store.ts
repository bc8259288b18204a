/**
 * The AccountStore on Kubernetes (SPEC §8.2): Accounts and their Secrets, followed through the
 * shared AccountCache, mapped to the pool's Account model. The pool holds an Account while its
 * Secret has the key. Writes carry the resourceVersion read; on 409 the change is re-applied to a
 * fresh read, so racing replicas disable an account once and a rotated Secret is never disabled by
 * a stale failure.
 */
import type { Account } from "../../accounts/account.ts";
import { sameEmail } from "../../accounts/account.ts";
import { AccountCache } from "../../kubernetes/account-cache.ts";
import { splitAccountId } from "../../kubernetes/account-id.ts";
import type { AccountInformers } from "../../kubernetes/account-informers.ts";
import { type KubeApi, statusOf } from "../../kubernetes/kube-api.ts";
import { DEFAULT_RESYNC_MS, startResync } from "../../kubernetes/resync.ts";
import { secretTokenOf } from "../../kubernetes/secret-token.ts";
import type { Logger } from "../../log/logger.ts";
import { serializePerKey } from "../../platform/serialize-per-key.ts";
import type { CancelTimer, Clock } from "../../time/clock.ts";
import type {
  AccountChange,
  AccountStore,
  StoreListener,
  UpdateResult,
  UpsertResult,
} from "../account-store.ts";
import { isStoreError } from "../store-error.ts";
import { StoreListeners } from "../store-listeners.ts";
import { type TokenOverlay, toAccount } from "./account-mapping.ts";
import { type Stored, type WriteContext, writeAccountChange } from "./account-writes.ts";
import { conflictPause, MAX_CONFLICT_RETRIES } from "./conflict-retry.ts";
import { kubeStoreError } from "./kube-store-error.ts";
import { createAccount, newAccountId } from "./kubernetes-create-account.ts";
import { createPendingWrites, type PendingWrites } from "./pending-writes.ts";
import { StoreAnnouncer } from "./store-announcer.ts";

export interface KubernetesStoreOptions {
  readonly api: KubeApi;
  /** Undefined: every namespace. */
  readonly namespace?: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly component?: string;
  /** Every this often, every account is reported again (a safety net under the watches). */
  readonly resyncMs?: number;
}

export class KubernetesAccountStore implements AccountStore {
  readonly kind = "kubernetes";
  readonly #options: KubernetesStoreOptions;
  readonly #api: KubeApi;
  readonly #cache: AccountCache;
  readonly #write: WriteContext;
  /** Each replica's access tokens, valid while the Secret holds the refresh token they came from. */
  readonly #overlays = new Map<string, TokenOverlay>();
  readonly #listeners = new StoreListeners();
  readonly #announcer = new StoreAnnouncer((event) => this.#listeners.dispatch(event));
  readonly #pending: PendingWrites;
  #closed = false;
  #informers: AccountInformers | undefined;
  #stopResync: CancelTimer = () => {};

  // One write per account at a time from this replica: conflicts are then only with other writers.
  readonly #update = serializePerKey((id: string, change: AccountChange) => this.#updateNow(id, change));

  constructor(options: KubernetesStoreOptions) {
    this.#options = options;
    this.#api = options.api;
    this.#cache = new AccountCache(options.log);
    this.#write = { api: options.api, clock: options.clock, component: options.component ?? "proxy" };
    // A disable that the API server could not take (down, restarting) is held and written again
    // until it lands; the caller still learns that this write failed.
    this.#pending = createPendingWrites({
      write: this.#update,
      stored: (id) => this.#model(id)?.account,
      settled: (id) => this.#announce(id),
      clock: options.clock,
      log: options.log,
    });
  }

  async list(): Promise<Account[]> {
    await this.#ensureStarted();
    return [...this.#cache.ids()].flatMap((id) => this.#reported(id) ?? []);
  }

  async get(id: string): Promise<Account | undefined> {
    await this.#ensureStarted();
    return this.#reported(id);
  }

  update(id: string, change: AccountChange): Promise<UpdateResult> {
    return this.#update(id, change).catch((error: unknown) => {
      const failure = kubeStoreError(`Cannot update Account ${id}`, error, id);
      if (this.#pending.hold(id, change, failure)) this.#announce(id);
      throw failure;
    });
  }

  upsertByEmail(email: string, build: (existing: Account | undefined) => Account): Promise<UpsertResult> {
    return this.#upsertByEmail(email, build).catch((error: unknown) => {
      throw kubeStoreError(`Cannot store account "${email}"`, error);
    });
  }

  async #upsertByEmail(
    email: string,
    build: (existing: Account | undefined) => Account,
  ): Promise<UpsertResult> {
    await this.#ensureStarted();
    for (let attempt = 0; ; attempt++) {
      const existing = [...this.#cache.ids()]
        .map((id) => this.#model(id))
        .find((stored) => stored !== undefined && sameEmail(stored.account.email, email));
      if (existing !== undefined) {
        const result = await this.#update(existing.account.id, (current) => build(current));
        const account = result.status === "missing" ? existing.account : result.account;
        return { status: "updated", account, previous: existing.account };
      }
      const created = await this.#create(email, build(undefined), attempt >= MAX_CONFLICT_RETRIES);
      if (created !== undefined) return created;
    }
  }

  async remove(id: string): Promise<boolean> {
    const where = splitAccountId(id);
    if (where === undefined) return false;
    try {
      const deleted = (await this.#api.deleteAccount(where.namespace, where.name)) as {
        metadata?: { resourceVersion?: string };
      } | null;
      const version = deleted?.metadata?.resourceVersion ?? this.#cache.account(id)?.metadata.resourceVersion;
      this.#cache.dropAccount(id, version);
      this.#announce(id);
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw kubeStoreError(`Cannot remove Account ${id}`, error, id);
    }
  }

  watch(listener: StoreListener): () => void {
    if (this.#closed) return () => {};
    const stop = this.#listeners.add(listener);
    void this.#ensureStarted().catch(() => {});
    return stop;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#pending.close();
    this.#listeners.close();
    this.#stopResync();
    await this.#informers?.stop();
    this.#informers = undefined;
  }

  /** The account as stored now, with the objects it came from; undefined while its Secret has no token. */
  #model(id: string): Stored | undefined {
    const resource = this.#cache.account(id);
    if (resource === undefined) return undefined;
    const secret = this.#cache.secretOf(resource);
    const token = secretTokenOf(resource, secret);
    if (token === undefined) return undefined;
    return { resource, secret, account: toAccount(resource, token, this.#overlays.get(id)) };
  }

  /** What readers see: the stored account with a disable still held for retries (pending-writes.ts). */
  #reported(id: string): Account | undefined {
    const account = this.#model(id)?.account;
    return account === undefined ? undefined : this.#pending.apply(id, account);
  }

  #announce(id: string): void {
    this.#announcer.announce(id, this.#reported(id));
  }

  async #ensureStarted(): Promise<void> {
    // A closed store keeps answering from its cache but never watches again.
    if (this.#closed) return;
    if (this.#informers === undefined) {
      const { api, namespace, clock } = this.#options;
      this.#informers = this.#cache.watch({ api, namespace, clock, onChange: (id) => this.#announce(id) });
      this.#stopResync = startResync(clock, this.#options.resyncMs ?? DEFAULT_RESYNC_MS, () => {
        this.#announcer.forgetTold();
        for (const id of this.#cache.ids()) this.#announce(id);
      });
    }
    await this.#informers.synced;
  }

  /** A fresh read from the API server, for deciding a change on what is stored now. */
  async #refetch(id: string): Promise<void> {
    const where = splitAccountId(id);
    if (where === undefined) return;
    const fresh = await this.#api.getAccount(where.namespace, where.name).catch((error: unknown) => {
      if (statusOf(error) === 404) return undefined;
      throw error;
    });
    if (fresh === undefined) this.#cache.dropAccount(id);
    else this.#cache.putAccount(fresh);
    this.#announce(id);
    const resource = this.#cache.account(id);
    if (resource === undefined) return;
    const secret = await this.#api.getSecret(where.namespace, resource.spec.secretRef.name);
    if (secret === undefined) this.#cache.dropSecretOf(resource);
    else for (const reader of this.#cache.putSecret(secret)) this.#announce(reader);
  }

  #remember(id: string, next: Account): void {
    this.#overlays.set(id, { refreshToken: next.token.refreshToken, token: next.token });
  }

  async #updateNow(id: string, change: AccountChange): Promise<UpdateResult> {
    await this.#ensureStarted();
    // SPEC §5.5: decide on the account as stored now, not on a cache a watch event behind — a
    // Secret rotated a moment ago must stop a disable.
    await this.#refetch(id);
    for (let attempt = 0; ; attempt++) {
      const stored = this.#model(id);
      if (stored === undefined) return { status: "missing" };
      const next = change(stored.account);
      if (next === undefined) return { status: "unchanged", account: stored.account };
      try {
        const written = await writeAccountChange(this.#write, stored, next);
        this.#remember(id, next);
        // Read your writes: the watch brings the same objects a moment later.
        if (written.secret !== undefined)
          for (const reader of this.#cache.putSecret(written.secret)) this.#announce(reader);
        if (written.resource !== undefined) this.#cache.putAccount(written.resource);
        this.#announce(id);
        return { status: "updated", account: this.#model(id)?.account ?? next };
      } catch (error) {
        if (statusOf(error) !== 409 || attempt >= MAX_CONFLICT_RETRIES) {
          throw kubeStoreError(`Cannot update Account ${id}`, error, id);
        }
        await conflictPause(this.#options.clock, attempt);
        await this.#refetch(id);
      }
    }
  }

  /** Creates the account; undefined when another writer created it first (then it is cached). */
  async #create(email: string, built: Account, lastTry: boolean): Promise<UpsertResult | undefined> {
    const { namespace } = this.#options;
    // Remembered first, so that the watch's first news of the account carries its access token too.
    const id = namespace === undefined ? undefined : newAccountId(namespace, built.email);
    if (id !== undefined) this.#remember(id, built);
    try {
      const created = await createAccount(this.#write, namespace, built);
      // Read your writes: the watch brings the same objects a moment later.
      for (const reader of this.#cache.putSecret(created.secret)) this.#announce(reader);
      this.#cache.putAccount(created.resource);
      this.#announce(created.id);
      return { status: "created", account: this.#model(created.id)?.account ?? { ...built, id: created.id } };
    } catch (error) {
      if (id !== undefined) this.#overlays.delete(id);
      if (!isStoreError(error, "ACCOUNT_EXISTS") || lastTry || error.accountId === undefined) throw error;
      // Another writer created it first: the caller updates what it created, if it has this email.
      await this.#refetch(error.accountId);
      const found = this.#model(error.accountId)?.account;
      if (found === undefined || !sameEmail(found.email, email)) throw error;
      return undefined;
    }
  }
}
