/**
 * The AccountStore contract held in memory, for pool and proxy tests and for runs that need no
 * persistence. Accounts are copied in and out, so callers cannot change stored state by mutating
 * an object they were given; every change is reported to watchers at once. Several handles may
 * share one backing, as proxy replicas share one API server.
 */
import { type Account, sameEmail } from "../accounts/account.ts";
import type { Clock } from "../time/clock.ts";
import type {
  AccountChange,
  AccountStore,
  StoreEvent,
  StoreListener,
  UpdateResult,
  UpsertResult,
} from "./account-store.ts";

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

/** Creating an account whose id another account (with another email) already has. */
export class AccountIdConflictError extends Error {
  readonly code = "ACCOUNT_ID_CONFLICT";

  constructor(readonly id: string) {
    super(`Cannot create account "${id}": another account already has that id`);
    this.name = "AccountIdConflictError";
  }
}

function sameAccount(a: Account, b: Account): boolean {
  const canonical = (account: Account): string =>
    JSON.stringify(account, (_key, value: unknown) =>
      value !== null && typeof value === "object" && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => x.localeCompare(y)))
        : value,
    );
  return canonical(a) === canonical(b);
}

export function createMemoryAccountStore(options: MemoryAccountStoreOptions = {}): AccountStore {
  const backing = options.backing ?? createMemoryAccountBacking();
  const { accounts } = backing;
  for (const account of options.accounts ?? []) accounts.set(account.id, structuredClone(account));
  const listeners = new Set<StoreListener>();
  let closed = false;

  const deliver = (event: StoreEvent): void => {
    if (closed) return;
    for (const listener of [...listeners]) {
      try {
        listener(structuredClone(event));
      } catch {
        // A failing listener must not break the store or starve the other listeners.
      }
    }
  };
  backing.handles.add(deliver);

  const emit = (event: StoreEvent): void => {
    for (const handle of [...backing.handles]) handle(event);
  };

  const store = (account: Account): Account => {
    accounts.set(account.id, structuredClone(account));
    emit({ type: "upsert", account });
    return structuredClone(account);
  };

  const oldestByEmail = (email: string): Account | undefined =>
    [...accounts.values()]
      .filter((account) => sameEmail(account.email, email))
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))[0];

  return {
    kind: "memory",

    async list() {
      return [...accounts.values()]
        .map((account) => structuredClone(account))
        .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    },

    async get(id) {
      const account = accounts.get(id);
      return account === undefined ? undefined : structuredClone(account);
    },

    async update(id: string, change: AccountChange): Promise<UpdateResult> {
      const current = accounts.get(id);
      if (current === undefined) return { status: "missing" };
      const proposed = change(structuredClone(current));
      if (proposed === undefined || sameAccount(current, { ...proposed, id })) {
        return { status: "unchanged", account: structuredClone(current) };
      }
      return { status: "updated", account: store({ ...proposed, id }) };
    },

    async upsertByEmail(
      email: string,
      build: (existing: Account | undefined) => Account,
    ): Promise<UpsertResult> {
      const existing = oldestByEmail(email);
      if (existing !== undefined) {
        const next: Account = { ...build(structuredClone(existing)), id: existing.id };
        const account = sameAccount(existing, next) ? structuredClone(existing) : store(next);
        return { status: "updated", account, previous: structuredClone(existing) };
      }
      const created = build(undefined);
      if (accounts.has(created.id)) throw new AccountIdConflictError(created.id);
      return { status: "created", account: store(created) };
    },

    async remove(id) {
      if (!accounts.delete(id)) return false;
      emit({ type: "remove", id });
      return true;
    },

    watch(listener) {
      if (closed) return () => {};
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    async close() {
      closed = true;
      listeners.clear();
      backing.handles.delete(deliver);
    },
  };
}
