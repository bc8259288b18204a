/** `grantpool proxy`: loads the pool from the store, serves the app, and shuts down cleanly on a signal. */
import type { AnyElysia } from "elysia";
import type { Settings } from "../config/setting-table.ts";
import type { Logger } from "../log/logger.ts";
import type { FetchLike } from "../oauth/google-oauth-client.ts";
import { onShutdownSignal, serve } from "../platform/runtime.ts";
import type { AccountPool } from "../pool/account-pool.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { observePoolStates } from "../telemetry/account-states-gauge.ts";
import { DISABLED_TELEMETRY, type Telemetry } from "../telemetry/telemetry.ts";
import type { Clock } from "../time/clock.ts";
import { VERSION } from "../version.ts";
import { createClientAccess } from "./client-auth.ts";
import { createApp } from "./create-app.ts";
import { refuseInProtocol, servedHandler } from "./served-handler.ts";
import { createUpstreamProfile } from "./upstream/create-upstream-profile.ts";

export interface ProxyDeps {
  readonly settings: Settings;
  readonly store: AccountStore;
  readonly pool: AccountPool;
  readonly log: Logger;
  readonly fetch: FetchLike;
  readonly clock: Clock;
  readonly err: (text: string) => void;
  readonly extraRoutes?: readonly AnyElysia[];
  /** The pool's observer should already report to the same telemetry. */
  readonly telemetry?: Telemetry;
}

export const EXIT_CONFIG = 2;

export async function runProxy(deps: ProxyDeps): Promise<number> {
  const { settings, store, pool, log } = deps;
  const access = createClientAccess(settings.authMode, settings.host, settings.apiKeys);
  if (access.mode !== "off" && settings.apiKeys.length === 0) {
    deps.err(
      `Invalid setting "auth-mode": ${settings.authMode} on ${settings.host} requires client keys, but "api-keys" (GRANTPOOL_API_KEYS) is empty; set keys, or --auth-mode off to serve without them`,
    );
    return EXIT_CONFIG;
  }
  if (settings.oauthClientId === undefined || settings.oauthClientSecret === undefined) {
    log.warn(
      "No OAuth client is configured (--oauth-client-id / GRANTPOOL_OAUTH_CLIENT_ID and --oauth-client-secret / GRANTPOOL_OAUTH_CLIENT_SECRET): no access token can be refreshed, and calls that need one get 502",
    );
  }
  const telemetry = deps.telemetry ?? DISABLED_TELEMETRY;
  let ready = false;
  const forward = {
    tracer: telemetry.tracer,
    metrics: telemetry.metrics,
    pool,
    profile: createUpstreamProfile(settings, deps.fetch, store),
    fetch: deps.fetch,
    clock: deps.clock,
    log,
    maxAttempts: settings.maxAttempts,
  };
  const app = createApp({
    pool,
    isReady: () => ready,
    version: VERSION,
    access,
    forward,
    upstreamUrl: settings.upstreamUrl,
    maxBodyBytes: settings.maxBodyBytes,
    bodyTimeoutMs: settings.bodyTimeoutSeconds * 1000,
    log,
    scrapeMetrics: telemetry.scrape,
    ...(deps.extraRoutes === undefined ? {} : { extraRoutes: deps.extraRoutes }),
  });
  const stopObserving = observePoolStates(telemetry.meter, pool);
  const server = serve(servedHandler(app, telemetry), {
    port: settings.port,
    hostname: settings.host,
    refuse: refuseInProtocol,
    onUnexpectedError: (error) =>
      log.error(
        `Unexpected error serving a request: ${error instanceof Error ? error.message : String(error)}`,
      ),
  });
  log.info(`grantpool ${VERSION} proxy listening on ${server.url}`, {
    store: store.kind,
    port: server.port,
    auth: access.mode,
    profile: settings.upstreamProfile,
  });
  await pool.start();
  ready = true;
  const signal = await new Promise<string>((resolve) => onShutdownSignal(resolve));
  log.info(`Received ${signal}, shutting down`);
  pool.stop();
  await server.stop();
  stopObserving();
  await telemetry.shutdown();
  await store.close();
  return 0;
}
