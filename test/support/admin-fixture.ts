/**
 * The admin API mounted on a bare Elysia app over a real pool (Google emulator, memory store,
 * fake clock, captured log), driven in-process with `app.handle`. By default the store's change
 * events never reach the pool, so a test sees only what the admin API applied to the pool itself.
 */
import { Elysia } from "elysia";
import type { EnrollDeps } from "../../src/account-operations/enroll-account.ts";
import type { Account } from "../../src/accounts/account.ts";
import type { AdminDeps } from "../../src/proxy/admin/admin-deps.ts";
import { createAdminRoutes } from "../../src/proxy/admin/admin-routes.ts";
import { createModelMap } from "../../src/proxy/model-map.ts";
import type { AccountStore } from "../../src/stores/account-store.ts";
import { MemoryAccountStore } from "../../src/stores/memory-account-store.ts";
import { type PoolFixture, startPoolFixture } from "./pool-fixture.ts";
import { rememberSecret } from "./secret-scan.ts";
import { storeWith } from "./store-fixtures.ts";

export interface AdminCall {
  readonly method?: string;
  /** An object is sent as JSON; a string as it is (for malformed bodies). */
  readonly body?: unknown;
  /** The admin key to send as a bearer token; null sends none. The fixture's key by default. */
  readonly key?: string | null;
  readonly headers?: Record<string, string>;
}

export interface AdminFixture extends PoolFixture {
  readonly adminKey: string | undefined;
  /** What the plugin under test was given. */
  readonly deps: AdminDeps;
  readonly app: { handle(request: Request): Promise<Response> };
  call(path: string, call?: AdminCall): Promise<Response>;
  /** Calls and parses the JSON reply (failing the test when it is not JSON). */
  callJson(path: string, call?: AdminCall): Promise<{ status: number; body: Record<string, unknown> }>;
  /** A new refresh token for `email` (a new or known identity), remembered among the secrets. */
  mintToken(email: string): string;
  /** Every refresh and access token the emulator issued that this process has seen. */
  issuedTokens(): Promise<string[]>;
}

export interface AdminFixtureOptions {
  readonly emails?: readonly string[];
  /** Undefined: a random key; null: admin key unset. */
  readonly adminKey?: string | null;
  /** Deliver the store's change events to the pool, as a running proxy does (default false). */
  readonly storeEvents?: boolean;
  /** `--model-map` entries; the admin API then shows the map. */
  readonly modelMap?: readonly string[];
  /** The store under test (a memory store by default), built from the fixture's accounts. */
  readonly store?: (accounts: Account[]) => AccountStore;
}

/** The store as it is, but nobody hears of its changes. */
export function withoutChangeEvents(store: AccountStore): AccountStore {
  return storeWith(store, { watch: () => () => {} });
}

export async function startAdminFixture(options: AdminFixtureOptions = {}): Promise<AdminFixture> {
  const baseStore = options.store ?? ((accounts) => new MemoryAccountStore({ accounts }));
  const f = await startPoolFixture({
    emails: options.emails ?? [],
    store: options.storeEvents === true ? baseStore : (accounts) => withoutChangeEvents(baseStore(accounts)),
  });
  const adminKey =
    options.adminKey === null ? undefined : (options.adminKey ?? `admin-key-${crypto.randomUUID()}`);
  rememberSecret(adminKey);
  let ids = 0;
  const enroll: EnrollDeps = { oauth: f.oauth, store: f.store, clock: f.clock, newId: () => `acct-${++ids}` };
  const deps: AdminDeps = {
    pool: f.pool,
    store: f.store,
    enroll,
    adminKey,
    clock: f.clock,
    log: f.log.logger,
    ...(options.modelMap === undefined ? {} : { modelMap: createModelMap(options.modelMap) }),
  };
  const app = new Elysia().use(createAdminRoutes(deps));
  const minted: string[] = [];

  const call = (path: string, c: AdminCall = {}): Promise<Response> => {
    const headers: Record<string, string> = { ...c.headers };
    const key = c.key === undefined ? adminKey : c.key;
    if (key !== null && key !== undefined) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (c.body !== undefined) {
      body = typeof c.body === "string" ? c.body : JSON.stringify(c.body);
      headers["content-type"] ??= "application/json";
    }
    const init: RequestInit = { method: c.method ?? "GET", headers };
    return app.handle(new Request(`http://localhost${path}`, body === undefined ? init : { ...init, body }));
  };

  return {
    ...f,
    adminKey,
    deps,
    app,
    call,
    async callJson(path, c) {
      const response = await call(path, c);
      const text = await response.text();
      try {
        return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
      } catch {
        throw new Error(`${path} answered ${response.status} with a body that is not JSON: ${text}`);
      }
    },
    mintToken(email) {
      // addIdentity keeps a known identity as it is and mints another token for it.
      const token = f.google.addIdentity({ email });
      minted.push(token);
      return token;
    },
    async issuedTokens() {
      const stored = (await f.store.list()).map((account) => account.token);
      const pooled = f.pool.view().map((member) => member.account.token);
      const fromAccounts = [...stored, ...pooled].flatMap((t) => [t.accessToken, t.refreshToken]);
      return [...new Set([...f.secrets, ...minted, ...fromAccounts])].filter((token) => token !== "");
    },
    [Symbol.asyncDispose]: () => f[Symbol.asyncDispose](),
  };
}
