/**
 * The proxy app in-process (`app.handle`) over a pool fixture: the Google emulator as upstream, a
 * memory store, a fake clock and a captured log. Client calls go through the real routes.
 */

import { QuotaRefresher } from "../../src/pool/quota-refresher.ts";
import { createAdminRoutes } from "../../src/proxy/admin/admin-routes.ts";
import { type AuthMode, createClientAccess } from "../../src/proxy/client-auth.ts";
import { createApp } from "../../src/proxy/create-app.ts";
import type { ForwardDeps } from "../../src/proxy/forward-call.ts";
import { createModelMap } from "../../src/proxy/model-map.ts";
import { servedHandler } from "../../src/proxy/served-handler.ts";
import { createCodeAssistProfile } from "../../src/proxy/upstream/code-assist-profile.ts";
import { createGeminiProfile } from "../../src/proxy/upstream/gemini-profile.ts";
import { observePoolStates } from "../../src/telemetry/account-states-gauge.ts";
import { DISABLED_TELEMETRY } from "../../src/telemetry/telemetry.ts";
import type { StartTimer } from "../../src/time/shared-deadlines.ts";
import { type PoolFixture, type PoolFixtureOptions, startPoolFixture } from "./pool-fixture.ts";
import { rememberSecret } from "./secret-scan.ts";

export interface AppFixture extends PoolFixture {
  readonly app: ReturnType<typeof createApp>;
  /** The quota fetcher of the code-assist profile (no periodic sweep; tests call it). */
  readonly quota: QuotaRefresher | undefined;
  /** The app as served: wrapped by the HTTP telemetry when the fixture has telemetry. */
  handle(request: Request): Promise<Response>;
  /** POST a Gemini call; `path` like "gemini-2.5-flash:generateContent?alt=sse". */
  gemini(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

export interface AppFixtureOptions extends PoolFixtureOptions {
  readonly profile?: "gemini" | "code-assist";
  readonly authMode?: AuthMode;
  readonly host?: string;
  readonly apiKeys?: string[];
  readonly maxAttempts?: number;
  readonly maxBodyBytes?: number;
  readonly bodyTimeoutMs?: number;
  readonly startTimer?: StartTimer;
  /** `--model-map` entries (PATTERN=MODEL). */
  readonly modelMap?: readonly string[];
  /** Mounts the admin API as the proxy does: a key, or null for an admin API without a key. */
  readonly adminKey?: string | null;
  /** Upstream calls reach the emulator without a socket (google.fetch), so back-pressure shows. */
  readonly upstreamInProcess?: boolean;
}

export const HELLO = { contents: [{ role: "user", parts: [{ text: "hello" }] }] };

function adminRoutes(pool: PoolFixture, adminKey: string | null, quota: QuotaRefresher | undefined) {
  rememberSecret(adminKey ?? undefined);
  let ids = 0;
  return createAdminRoutes({
    pool: pool.pool,
    store: pool.store,
    enroll: { oauth: pool.oauth, store: pool.store, clock: pool.clock, newId: () => `admin-added-${++ids}` },
    adminKey: adminKey ?? undefined,
    clock: pool.clock,
    log: pool.log.logger,
    quota,
  });
}

export async function startAppFixture(options: AppFixtureOptions): Promise<AppFixture> {
  const pool = await startPoolFixture(options);
  for (const key of options.apiKeys ?? []) rememberSecret(key);
  const upstreamUrl = pool.google.upstreamUrl;
  const fetcher = (input: string | URL | Request, init?: RequestInit) =>
    options.upstreamInProcess === true ? pool.google.fetch(input, init) : fetch(input, init);
  const profile =
    options.profile === "code-assist"
      ? createCodeAssistProfile({
          baseUrl: upstreamUrl,
          fetch: fetcher,
          rememberProject: async (id, projectId) => {
            await pool.store.update(id, (a) => ({ ...a, token: { ...a.token, projectId } }));
          },
        })
      : createGeminiProfile(upstreamUrl);
  const quota =
    profile.fetchQuota === undefined
      ? undefined
      : new QuotaRefresher({
          pool: pool.pool,
          store: pool.store,
          fetchQuota: profile.fetchQuota,
          clock: pool.clock,
          log: pool.log.logger,
          intervalMs: 0,
          ...(options.quotaPolicy === undefined ? {} : { policy: options.quotaPolicy }),
        });
  const forward: ForwardDeps = {
    pool: pool.pool,
    profile,
    ...(quota === undefined ? {} : { onQuotaSpent: (id: string) => quota.quotaExhausted(id) }),
    fetch: fetcher,
    clock: pool.clock,
    log: pool.log.logger,
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.telemetry === undefined
      ? {}
      : { tracer: options.telemetry.tracer, metrics: options.telemetry.metrics }),
  };
  const app = createApp({
    pool: pool.pool,
    isReady: () => true,
    version: "test",
    access: createClientAccess(options.authMode ?? "off", options.host ?? "127.0.0.1", options.apiKeys ?? []),
    modelMap: createModelMap(options.modelMap ?? []),
    forward,
    upstreamUrl,
    maxBodyBytes: options.maxBodyBytes ?? 1_000_000,
    bodyTimeoutMs: options.bodyTimeoutMs ?? 60_000,
    ...(options.startTimer === undefined ? {} : { startTimer: options.startTimer }),
    log: pool.log.logger,
    scrapeMetrics: options.telemetry?.scrape,
    ...(options.adminKey === undefined ? {} : { extraRoutes: [adminRoutes(pool, options.adminKey, quota)] }),
  });
  if (options.telemetry !== undefined) observePoolStates(options.telemetry.meter, pool.pool);
  const handle = servedHandler(app, options.telemetry ?? DISABLED_TELEMETRY);
  return {
    ...pool,
    async [Symbol.asyncDispose]() {
      await quota?.stop();
      await pool[Symbol.asyncDispose]();
    },
    app,
    quota,
    handle: async (request) => handle(request),
    gemini: async (path, body = HELLO, headers = {}) =>
      handle(
        new Request(`http://localhost/v1beta/models/${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: typeof body === "string" ? body : JSON.stringify(body),
        }),
      ),
  };
}
