/**
 * The AccountStore contract. The file, memory and Kubernetes stores implement it and pass one
 * contract suite (test/unit/stores/account-store-contract.ts). The pool only ever talks to this.
 *
 * Errors: a store raises only `StoreError` (store-error.ts), told apart by its `code`; each method
 * names the codes it can raise. Expected outcomes (an account missing, nothing to change) are
 * results, not errors.
 */
import type { Account } from "../accounts/account.ts";

export type StoreEvent =
  | { readonly type: "upsert"; readonly account: Account }
  | { readonly type: "remove"; readonly id: string };

export type StoreListener = (event: StoreEvent) => void;

/** What an atomic read-modify-write did. */
export type UpdateResult =
  | { readonly status: "updated"; readonly account: Account }
  | { readonly status: "unchanged"; readonly account: Account }
  | { readonly status: "missing" };

export type UpsertResult = {
  readonly status: "created" | "updated";
  readonly account: Account;
  readonly previous?: Account;
};

/**
 * Decides the new state of one account from its current stored state. Returning undefined
 * leaves the account as it is. It may run more than once (on write conflicts), so it must be pure.
 */
export type AccountChange = (current: Account) => Account | undefined;

export interface AccountStore {
  readonly kind: "file" | "memory" | "kubernetes";
  /**
   * Every account that can be read. Unreadable entries are reported by the store, once, and skipped.
   * @throws StoreError STORE_IO when the medium itself cannot be read.
   */
  list(): Promise<Account[]>;
  /** @throws StoreError STORE_IO when the medium cannot be read. */
  get(id: string): Promise<Account | undefined>;
  /**
   * Atomic read-modify-write of one account, serialized against every other writer.
   * @throws StoreError INVALID_ACCOUNT (the change would not read back), STORE_LOCK_TIMEOUT,
   *   STORE_IO.
   */
  update(id: string, change: AccountChange): Promise<UpdateResult>;
  /**
   * Atomic upsert keyed by email (case-insensitive): `build` receives the stored account with that
   * email, if any, and returns what to store. The id of an existing account is kept.
   * @throws StoreError ACCOUNT_ID_CONFLICT (a new account's id is another account's),
   *   ACCOUNT_EXISTS (another writer created it meanwhile), INVALID_ACCOUNT, STORE_LOCK_TIMEOUT,
   *   STORE_IO.
   */
  upsertByEmail(email: string, build: (existing: Account | undefined) => Account): Promise<UpsertResult>;
  /**
   * False when no account has that id.
   * @throws StoreError STORE_LOCK_TIMEOUT, STORE_IO.
   */
  remove(id: string): Promise<boolean>;
  /**
   * Reports changes made by anyone: this process, other processes, the API server.
   * Returns the function that unsubscribes.
   */
  watch(listener: StoreListener): () => void;
  close(): Promise<void>;
}
