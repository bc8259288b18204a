/**
 * The AccountStore contract held in memory, for pool and proxy tests and for runs that need no
 * persistence. Accounts are copied in and out, so callers cannot change stored state by mutating
 * an object they were given; every change is reported to watchers at once. Several handles may
 * share one backing, as proxy replicas share one API server.
 */
import { isDeepStrictEqual } from "node:util";
import { type Account, byCreation, oldestWithEmail } from "../accounts/account.ts";
import type { Clock } from "../time/clock.ts";
import type {
  AccountChange,
  AccountStore,
  StoreEvent,
  StoreListener,
  UpdateResult,
  UpsertResult,
} from "./account-store.ts";
import { StoreError } from "./store-error.ts";
import { StoreListeners } from "./store-listeners.ts";

/** The accounts that one or more memory store handles share. */
export interface MemoryAccountBacking {
  readonly accounts: Map<string, Account>;
  /** Each open handle's event delivery. */
  readonly handles: Set<(event: StoreEvent) => void>;
}

export function createMemoryAccountBacking(accounts: readonly Account[] = []): MemoryAccountBacking {
  return {
    accounts: new Map(accounts.map((account) => [account.id, structuredClone(account)])),
    handles: new Set(),
  };
}

export interface MemoryAccountStoreOptions {
  /** Stored in the backing when the store is created. */
  readonly accounts?: readonly Account[];
  /** Shared with other handles; a fresh one by default. */
  readonly backing?: MemoryAccountBacking;
  /** Accepted so every store is wired the same way; the memory store keeps no time of its own. */
  readonly clock?: Clock;
}

export class MemoryAccountStore implements AccountStore {
  readonly kind = "memory";
  readonly #backing: MemoryAccountBacking;
  /** Each listener gets a copy of its own: none can change what another sees or what is stored. */
  readonly #listeners = new StoreListeners(undefined, structuredClone);
  /** This handle's delivery, registered with the backing. */
  readonly #deliver = (event: StoreEvent): void => this.#listeners.dispatch(event);

  constructor(options: MemoryAccountStoreOptions = {}) {
    this.#backing = options.backing ?? createMemoryAccountBacking();
    for (const account of options.accounts ?? []) {
      this.#backing.accounts.set(account.id, structuredClone(account));
    }
    this.#backing.handles.add(this.#deliver);
  }

  async list(): Promise<Account[]> {
    return [...this.#backing.accounts.values()].map((account) => structuredClone(account)).sort(byCreation);
  }

  async get(id: string): Promise<Account | undefined> {
    const account = this.#backing.accounts.get(id);
    return account === undefined ? undefined : structuredClone(account);
  }

  async update(id: string, change: AccountChange): Promise<UpdateResult> {
    const current = this.#backing.accounts.get(id);
    if (current === undefined) return { status: "missing" };
    const proposed = change(structuredClone(current));
    if (proposed === undefined || isDeepStrictEqual(current, { ...proposed, id })) {
      return { status: "unchanged", account: structuredClone(current) };
    }
    return { status: "updated", account: this.#store({ ...proposed, id }) };
  }

  /** Raises StoreError ACCOUNT_ID_CONFLICT when a new account's id belongs to another email. */
  async upsertByEmail(
    email: string,
    build: (existing: Account | undefined) => Account,
  ): Promise<UpsertResult> {
    const existing = oldestWithEmail(this.#backing.accounts.values(), email);
    if (existing !== undefined) {
      const next: Account = { ...build(structuredClone(existing)), id: existing.id };
      const account = isDeepStrictEqual(existing, next) ? structuredClone(existing) : this.#store(next);
      return { status: "updated", account, previous: structuredClone(existing) };
    }
    const created = build(undefined);
    if (this.#backing.accounts.has(created.id)) {
      throw new StoreError(
        "ACCOUNT_ID_CONFLICT",
        `Cannot create account "${created.id}": another account already has that id`,
        created.id,
      );
    }
    return { status: "created", account: this.#store(created) };
  }

  async remove(id: string): Promise<boolean> {
    if (!this.#backing.accounts.delete(id)) return false;
    this.#emit({ type: "remove", id });
    return true;
  }

  watch(listener: StoreListener): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    this.#listeners.close();
    this.#backing.handles.delete(this.#deliver);
  }

  #store(account: Account): Account {
    this.#backing.accounts.set(account.id, structuredClone(account));
    this.#emit({ type: "upsert", account });
    return structuredClone(account);
  }

  #emit(event: StoreEvent): void {
    for (const handle of [...this.#backing.handles]) handle(event);
  }
}
