/** Shared pieces for the store tests: sample accounts, temporary data directories, event recorders. */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Account, AccountToken } from "../../src/accounts/account.ts";
import type { AccountStore, StoreEvent } from "../../src/stores/account-store.ts";

export type AccountOverrides = Partial<Omit<Account, "token">> & { readonly token?: Partial<AccountToken> };

/** A complete account with every optional field that a fresh account would have. */
export function sampleAccount(overrides: AccountOverrides = {}): Account {
  const id = randomUUID();
  const tag = id.slice(0, 8);
  const { token, ...rest } = overrides;
  const email = rest.email ?? `user-${tag}@example.com`;
  return {
    id,
    email,
    name: `User ${tag}`,
    disabled: false,
    proxyDisabled: false,
    createdAt: 1_760_000_000,
    lastUsed: 1_760_000_100,
    ...rest,
    token: {
      accessToken: `access-token-value-${tag}`,
      refreshToken: `refresh-token-value-${tag}`,
      expiresIn: 3599,
      expiryTimestamp: 1_760_003_599,
      tokenType: "Bearer",
      email,
      projectId: `project-${tag}`,
      ...token,
    },
  };
}

export interface TempDir {
  readonly path: string;
  remove(): void;
}

/** A fresh directory under the system temp dir; remove() deletes it and everything in it. */
export function createTempDir(prefix = "grantpool-store-"): TempDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface EventRecorder {
  readonly events: StoreEvent[];
  /** Events about one account id (upserts carry it in the account). */
  about(id: string): StoreEvent[];
  stop(): void;
}

export function recordEvents(store: AccountStore): EventRecorder {
  const events: StoreEvent[] = [];
  const stop = store.watch((event) => events.push(event));
  return {
    events,
    about: (id) => events.filter((event) => (event.type === "remove" ? event.id : event.account.id) === id),
    stop,
  };
}

/** The store with some of its methods replaced; the others are its own (stores are classes). */
export function storeWith(store: AccountStore, overrides: Partial<AccountStore>): AccountStore {
  return {
    kind: store.kind,
    list: () => store.list(),
    get: (id) => store.get(id),
    update: (id, change) => store.update(id, change),
    upsertByEmail: (email, build) => store.upsertByEmail(email, build),
    remove: (id) => store.remove(id),
    watch: (listener) => store.watch(listener),
    close: () => store.close(),
    ...overrides,
  };
}
