/**
 * The cache of Accounts and Secrets that the Kubernetes store and the operator both keep, filled
 * by the watches (account-informers.ts) and by the objects their own reads and writes return. It
 * parses each object once, keeps the Secret → Accounts index (a Secret event reaches exactly its
 * Accounts), and never lets news older than what it holds roll it back: neither a watch event
 * older than a write already seen, nor one from before a remove.
 */
import * as v from "valibot";
import type { Logger } from "../log/logger.ts";
import type { Clock } from "../time/clock.ts";
import { objectId } from "./account-id.ts";
import { type AccountInformers, startAccountInformers } from "./account-informers.ts";
import { AccountResource, SecretResource } from "./account-resource.ts";
import { createAccountsBySecret } from "./accounts-by-secret.ts";
import type { KubeApi } from "./kube-api.ts";
import { isOlder, isStale } from "./resource-version.ts";

export interface CacheWatchOptions {
  readonly api: KubeApi;
  /** Undefined: every namespace. */
  readonly namespace: string | undefined;
  readonly clock: Clock;
  /** An Account's resource or Secret changed (or it went). */
  readonly onChange: (id: string) => void;
}

/** "namespace/name" of the Secret an Account reads. */
function secretKeyOf(resource: AccountResource): string {
  return objectId({ namespace: resource.metadata.namespace, name: resource.spec.secretRef.name });
}

export class AccountCache {
  readonly #log: Logger;
  readonly #accounts = new Map<string, AccountResource>();
  readonly #secrets = new Map<string, SecretResource>();
  readonly #readers = createAccountsBySecret();
  /** The resourceVersion of each account's deletion, while news from before it may still come. */
  readonly #removedAt = new Map<string, string>();

  constructor(log: Logger) {
    this.#log = log;
  }

  account(id: string): AccountResource | undefined {
    return this.#accounts.get(id);
  }

  /** The Secret the Account reads, if cached. */
  secretOf(resource: AccountResource): SecretResource | undefined {
    return this.#secrets.get(secretKeyOf(resource));
  }

  ids(): IterableIterator<string> {
    return this.#accounts.keys();
  }

  resources(): IterableIterator<AccountResource> {
    return this.#accounts.values();
  }

  /** Takes an Account as a watch, a read or a write brought it; its id, or undefined when ignored. */
  putAccount(object: unknown): string | undefined {
    const resource = this.#parseAccount(object);
    if (resource === undefined) return undefined;
    const id = objectId(resource.metadata);
    const version = resource.metadata.resourceVersion;
    // Read your writes: an older event must not roll a write back, nor one from before a remove
    // bring the account back.
    if (isOlder(version, this.#accounts.get(id)?.metadata.resourceVersion)) return undefined;
    if (isStale(version, this.#removedAt.get(id))) return undefined;
    this.#removedAt.delete(id);
    this.#accounts.set(id, resource);
    this.#readers.set(id, secretKeyOf(resource));
    return id;
  }

  /** A watch said the Account was deleted; its id, or undefined when the object was not one. */
  removeAccount(object: unknown): string | undefined {
    const resource = this.#parseAccount(object);
    if (resource === undefined) return undefined;
    const id = objectId(resource.metadata);
    this.#removedAt.delete(id);
    this.dropAccount(id);
    return id;
  }

  /** Forgets the Account; with `removedAt` (the deletion's resourceVersion) news from before it is ignored. */
  dropAccount(id: string, removedAt?: string): void {
    if (removedAt !== undefined) this.#removedAt.set(id, removedAt);
    this.#accounts.delete(id);
    this.#readers.set(id, undefined);
  }

  /** Takes a Secret (or its removal); the ids of the Accounts that read it. */
  putSecret(object: unknown, removed = false): ReadonlySet<string> {
    const parsed = v.safeParse(SecretResource, object);
    if (!parsed.success) return new Set();
    const secret = parsed.output;
    const key = objectId(secret.metadata);
    if (removed) this.#secrets.delete(key);
    else if (isOlder(secret.metadata.resourceVersion, this.#secrets.get(key)?.metadata.resourceVersion))
      return new Set();
    else this.#secrets.set(key, secret);
    return this.#readers.get(key);
  }

  /** Forgets the Secret the Account reads (a fresh read found none). */
  dropSecretOf(resource: AccountResource): void {
    this.#secrets.delete(secretKeyOf(resource));
  }

  /** Starts the watches that keep the cache filled; `onChange` hears of every account they touch. */
  watch(options: CacheWatchOptions): AccountInformers {
    const { onChange } = options;
    return startAccountInformers({
      api: options.api,
      namespace: options.namespace,
      clock: options.clock,
      log: this.#log,
      onAccount: (object, removed) => {
        const id = removed ? this.removeAccount(object) : this.putAccount(object);
        if (id !== undefined) onChange(id);
      },
      onSecret: (object, removed) => {
        for (const id of this.putSecret(object, removed)) onChange(id);
      },
    });
  }

  #parseAccount(object: unknown): AccountResource | undefined {
    const parsed = v.safeParse(AccountResource, object);
    if (parsed.success) return parsed.output;
    const meta = (object as { metadata?: { namespace?: string; name?: string } } | null)?.metadata;
    this.#log.warn(
      `Skipping invalid Account ${meta?.namespace}/${meta?.name}: ${parsed.issues[0]?.message ?? "invalid"}`,
    );
    return undefined;
  }
}
