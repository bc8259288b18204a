/**
 * The AccountStore on Kubernetes (SPEC §8.2): Accounts and their Secrets, followed by informers
 * (a Secret → Accounts index maps a Secret event to exactly its Accounts), mapped to the pool's
 * Account model. The pool holds an Account while its Secret has the key. Writes carry the
 * resourceVersion read; on 409 the change is re-applied to a fresh read, so racing replicas
 * disable an account once and a rotated Secret is never disabled by a stale failure.
 */
import * as v from "valibot";
import type { Account } from "../../accounts/account.ts";
import { sameEmail } from "../../accounts/account.ts";
import type { Logger } from "../../log/logger.ts";
import type { Clock } from "../../time/clock.ts";
import type {
  AccountChange,
  AccountStore,
  StoreListener,
  UpdateResult,
  UpsertResult,
} from "../account-store.ts";
import { type AccountInformers, startAccountInformers } from "./account-informers.ts";
import { accountId, splitAccountId, type TokenOverlay, toAccount } from "./account-mapping.ts";
import { AccountResource, SecretResource } from "./account-resource.ts";
import { type Stored, type Written, writeAccountChange } from "./account-writes.ts";
import { createAccountsBySecret } from "./accounts-by-secret.ts";
import { conflictPause, MAX_CONFLICT_RETRIES } from "./conflict-retry.ts";
import { describeKubeError, type KubeApi, statusOf } from "./kube-api.ts";
import { AccountExistsError, createAccount, newAccountId } from "./kubernetes-create-account.ts";
import { createPendingWrites } from "./pending-writes.ts";
import { isOlder, isStale } from "./resource-version.ts";
import { secretTokenOf } from "./secret-token.ts";
import { serializePerKey } from "./serialize-per-key.ts";

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

export function createKubernetesAccountStore(options: KubernetesStoreOptions): AccountStore {
  const { api, log, clock } = options;
  const resources = new Map<string, AccountResource>();
  const secrets = new Map<string, SecretResource>();
  const accountsBySecret = createAccountsBySecret();
  const overlays = new Map<string, TokenOverlay>();
  const emitted = new Map<string, string>();
  const listeners = new Set<StoreListener>();
  const removedAt = new Map<string, string>();
  let closed = false;
  let informers: AccountInformers | undefined;
  let resync: ReturnType<typeof setInterval> | undefined;
  const ctx = { api, clock, component: options.component ?? "proxy" };

  const secretKey = (r: AccountResource) => `${r.metadata.namespace ?? "default"}/${r.spec.secretRef.name}`;

  const model = (id: string): Stored | undefined => {
    const resource = resources.get(id);
    if (resource === undefined) return undefined;
    const secret = secrets.get(secretKey(resource));
    const token = secretTokenOf(resource, secret);
    if (token === undefined) return undefined;
    return { resource, secret, account: toAccount(resource, token, overlays.get(id)) };
  };

  /** What readers see: the stored account with a disable still held for retries (pending-writes.ts). */
  const reported = (id: string): Account | undefined => {
    const account = model(id)?.account;
    return account === undefined ? undefined : pending.apply(id, account);
  };

  const announce = (id: string): void => {
    const current = reported(id);
    const signature = current === undefined ? undefined : JSON.stringify(current);
    if (signature === emitted.get(id)) return;
    if (current === undefined) emitted.delete(id);
    else emitted.set(id, signature ?? "");
    const event =
      current === undefined ? { type: "remove" as const, id } : { type: "upsert" as const, account: current };
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // A failing listener must not starve the others.
      }
    }
  };

  const index = (id: string, resource: AccountResource | undefined): void => {
    accountsBySecret.set(id, resource === undefined ? undefined : secretKey(resource));
  };

  const onAccount = (object: unknown, removed: boolean): void => {
    const parsed = v.safeParse(AccountResource, object);
    if (!parsed.success) {
      const meta = (object as { metadata?: { namespace?: string; name?: string } }).metadata;
      log.warn(
        `Skipping invalid Account ${meta?.namespace}/${meta?.name}: ${parsed.issues[0]?.message ?? "invalid"}`,
      );
      return;
    }
    const resource = parsed.output;
    const id = accountId(resource.metadata.namespace ?? "default", resource.metadata.name);
    if (removed) {
      removedAt.delete(id);
      forget(id);
      return;
    }
    // A watch event older than what we already wrote (read-your-writes) must not roll it back,
    // nor one from before a remove bring the account back.
    if (isOlder(resource.metadata.resourceVersion, resources.get(id)?.metadata.resourceVersion)) return;
    if (isStale(resource.metadata.resourceVersion, removedAt.get(id))) return;
    removedAt.delete(id);
    resources.set(id, resource);
    index(id, resource);
    announce(id);
  };

  const forget = (id: string): void => {
    resources.delete(id);
    index(id, undefined);
    announce(id);
  };

  const onSecret = (object: unknown, removed: boolean): void => {
    const parsed = v.safeParse(SecretResource, object);
    if (!parsed.success) return;
    const key = `${parsed.output.metadata.namespace ?? "default"}/${parsed.output.metadata.name}`;
    if (removed) secrets.delete(key);
    else if (isOlder(parsed.output.metadata.resourceVersion, secrets.get(key)?.metadata.resourceVersion))
      return;
    else secrets.set(key, parsed.output);
    for (const id of accountsBySecret.get(key)) announce(id);
  };

  const ensureStarted = async (): Promise<void> => {
    // A closed store keeps answering from its cache but never watches again.
    if (closed) return;
    if (informers === undefined) {
      informers = startAccountInformers({ api, namespace: options.namespace, log, onAccount, onSecret });
      resync = setInterval(() => {
        emitted.clear();
        for (const id of resources.keys()) announce(id);
      }, options.resyncMs ?? 300_000);
    }
    await informers.synced;
  };

  /** A fresh read from the API server, for retrying a change after a conflict. */
  const refetch = async (id: string): Promise<void> => {
    const where = splitAccountId(id);
    if (where === undefined) return;
    const fresh = await api.getAccount(where.namespace, where.name).catch((error: unknown) => {
      if (statusOf(error) === 404) return undefined;
      throw error;
    });
    if (fresh === undefined) forget(id);
    else onAccount(fresh, false);
    const resource = resources.get(id);
    if (resource !== undefined) {
      const secret = await api.getSecret(where.namespace, resource.spec.secretRef.name);
      if (secret === undefined) secrets.delete(secretKey(resource));
      else onSecret(secret, false);
    }
  };

  const remember = (id: string, next: Account): void => {
    overlays.set(id, { refreshToken: next.token.refreshToken, token: next.token });
  };

  // One write per account at a time from this replica: conflicts are then only with other writers.
  const update = serializePerKey((id: string, change: AccountChange) => updateNow(id, change));

  // A disable that the API server could not take (down, restarting) is held and written again until
  // it lands; the caller still learns that this write failed.
  const pending = createPendingWrites({
    write: update,
    stored: (id) => model(id)?.account,
    settled: announce,
    log,
  });
  const updateOrHold = (id: string, change: AccountChange): Promise<UpdateResult> =>
    update(id, change).catch((error: unknown) => {
      if (pending.hold(id, change, error)) announce(id);
      throw error;
    });

  const updateNow = async (id: string, change: AccountChange): Promise<UpdateResult> => {
    await ensureStarted();
    // SPEC §5.5: decide on the account as stored now, not on a cache a watch event behind — a
    // Secret rotated a moment ago must stop a disable.
    await refetch(id);
    for (let attempt = 0; ; attempt++) {
      const stored = model(id);
      if (stored === undefined) return { status: "missing" };
      const next = change(stored.account);
      if (next === undefined) return { status: "unchanged", account: stored.account };
      let written: Written;
      try {
        written = await writeAccountChange(ctx, stored, next);
      } catch (error) {
        if (statusOf(error) !== 409 || attempt >= MAX_CONFLICT_RETRIES) {
          throw new Error(`Cannot update Account ${id}: ${describeKubeError(error)}`, { cause: error });
        }
        await conflictPause(attempt);
        await refetch(id);
        continue;
      }
      remember(id, next);
      // Read your writes: the watch brings the same objects a moment later.
      if (written.secret !== undefined) onSecret(written.secret, false);
      if (written.resource !== undefined) onAccount(written.resource, false);
      announce(id);
      return { status: "updated", account: model(id)?.account ?? next };
    }
  };

  /** Creates the account; undefined when another writer created it first (then it is cached). */
  const create = async (
    email: string,
    built: Account,
    lastTry: boolean,
  ): Promise<UpsertResult | undefined> => {
    // Remembered first, so that the watch's first news of the account carries its access token too.
    const id = options.namespace === undefined ? undefined : newAccountId(options.namespace, built.email);
    if (id !== undefined) remember(id, built);
    try {
      const created = await createAccount(ctx, options.namespace, built);
      // Read your writes: the watch brings the same objects a moment later.
      onSecret(created.secret, false);
      onAccount(created.resource, false);
      return { status: "created", account: model(created.id)?.account ?? { ...built, id: created.id } };
    } catch (error) {
      if (id !== undefined) overlays.delete(id);
      if (!(error instanceof AccountExistsError) || lastTry) throw error;
      // Another writer created it first: the caller updates what it created, if it has this email.
      await refetch(error.id);
      const found = model(error.id)?.account;
      if (found === undefined || !sameEmail(found.email, email)) throw error;
      return undefined;
    }
  };

  return {
    kind: "kubernetes",
    async list() {
      await ensureStarted();
      return [...resources.keys()].flatMap((id) => reported(id) ?? []);
    },
    async get(id) {
      await ensureStarted();
      return reported(id);
    },
    update: updateOrHold,
    async upsertByEmail(email, build): Promise<UpsertResult> {
      await ensureStarted();
      for (let attempt = 0; ; attempt++) {
        const existing = [...resources.keys()]
          .map((id) => model(id))
          .find((stored) => stored !== undefined && sameEmail(stored.account.email, email));
        if (existing !== undefined) {
          const result = await update(existing.account.id, (current) => build(current));
          const account = result.status === "missing" ? existing.account : result.account;
          return { status: "updated", account, previous: existing.account };
        }
        const created = await create(email, build(undefined), attempt >= MAX_CONFLICT_RETRIES);
        if (created !== undefined) return created;
      }
    },
    async remove(id) {
      const where = splitAccountId(id);
      if (where === undefined) return false;
      try {
        const deleted = (await api.deleteAccount(where.namespace, where.name)) as {
          metadata?: { resourceVersion?: string };
        } | null;
        const version = deleted?.metadata?.resourceVersion ?? resources.get(id)?.metadata.resourceVersion;
        if (version !== undefined) removedAt.set(id, version);
        forget(id);
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw error;
      }
    },
    watch(listener) {
      if (closed) return () => {};
      listeners.add(listener);
      void ensureStarted().catch(() => {});
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      pending.close();
      listeners.clear();
      clearInterval(resync);
      await informers?.stop();
      informers = undefined;
    },
  };
}
