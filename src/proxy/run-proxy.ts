/**
 * `grantpool proxy`: loads the pool from the store, serves the app, and shuts down cleanly on a
 * signal: first, for --shutdown-delay seconds, it drains (see `drain`), then it stops listening.
 */
import type { AnyElysia } from "elysia";
import type { Settings } from "../config/setting-table.ts";
import type { Logger } from "../log/logger.ts";
import type { FetchLike } from "../oauth/google-oauth-client.ts";
import { onShutdownSignal, serve } from "../platform/runtime.ts";
import type { AccountPool } from "../pool/account-pool.ts";
import type { QuotaRefresher } from "../pool/quota-refresher.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { observePoolStates } from "../telemetry/account-states-gauge.ts";
import { observeQuota } from "../telemetry/quota-gauges.ts";
import { DISABLED_TELEMETRY, type Telemetry } from "../telemetry/telemetry.ts";
import { type Clock, pause } from "../time/clock.ts";
import { VERSION } from "../version.ts";
import { createClientAccess } from "./client-auth.ts";
import { createApp } from "./create-app.ts";
import { createModelMap, describeModelMap, type ModelMap } from "./model-map.ts";
import { refuseInProtocol, servedHandler } from "./served-handler.ts";
import type { UpstreamProfile } from "./upstream/upstream-profile.ts";

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
  /** Client model names → upstream models; built from the settings when not given. */
  readonly modelMap?: ModelMap;
  /** The upstream profile (shared with the admin API and the quota fetcher). */
  readonly profile: UpstreamProfile;
  /** The quota fetcher; undefined where the upstream tells no quota (the Gemini API). */
  readonly quota: QuotaRefresher | undefined;
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
  const modelMap = deps.modelMap ?? createModelMap(settings.modelMap);
  log.info(`Model map: ${describeModelMap(modelMap)}; other names are passed through`);
  const telemetry = deps.telemetry ?? DISABLED_TELEMETRY;
  let ready = false;
  const { profile, quota } = deps;
  const forward = {
    // Upstream spans only when spans are exported: a no-op span still costs a context switch.
    ...(telemetry.tracing ? { tracer: telemetry.tracer } : {}),
    metrics: telemetry.metrics,
    pool,
    profile,
    fetch: deps.fetch,
    clock: deps.clock,
    log,
    maxAttempts: settings.maxAttempts,
    ...(quota === undefined ? {} : { onQuotaSpent: (id: string) => quota.quotaExhausted(id) }),
  };
  const app = createApp({
    pool,
    isReady: () => ready,
    version: VERSION,
    access,
    modelMap,
    forward,
    upstreamUrl: settings.upstreamUrl,
    maxBodyBytes: settings.maxBodyBytes,
    bodyTimeoutMs: settings.bodyTimeoutSeconds * 1000,
    log,
    scrapeMetrics: telemetry.scrape,
    ...(deps.extraRoutes === undefined ? {} : { extraRoutes: deps.extraRoutes }),
  });
  const stopObservingStates = observePoolStates(telemetry.meter, pool);
  const stopObservingQuota = observeQuota(telemetry.meter, pool);
  const served = servedHandler(app, telemetry);
  let draining = false;
  const server = serve(
    // Only a draining proxy touches the reply: the usual path stays as the app answered.
    (request) => (draining ? Promise.resolve(served(request)).then(closingConnection) : served(request)),
    {
      port: settings.port,
      hostname: settings.host,
      refuse: refuseInProtocol,
      onUnexpectedError: (error) =>
        log.error(
          `Unexpected error serving a request: ${error instanceof Error ? error.message : String(error)}`,
        ),
    },
  );
  log.info(`grantpool ${VERSION} proxy listening on ${server.url}`, {
    store: store.kind,
    port: server.port,
    auth: access.mode,
    profile: settings.upstreamProfile,
  });
  await pool.start();
  ready = true;
  quota?.start();
  const signal = await new Promise<string>((resolve) => onShutdownSignal(resolve));
  log.info(`Received ${signal}, shutting down`);
  if (settings.shutdownDelaySeconds > 0) {
    ready = false;
    draining = true;
    await drain(settings.shutdownDelaySeconds, deps.clock, log);
  }
  await quota?.stop();
  pool.stop();
  await server.stop();
  stopObservingStates();
  stopObservingQuota();
  await telemetry.shutdown();
  await store.close();
  return 0;
}

/**
 * Keeps serving while whoever balances calls over the proxies notices it is going: in
 * Kubernetes the pod leaves the Service's endpoints and kube-proxy rewrites its rules a moment
 * after the kubelet sends SIGTERM, so calls still arrive. Meanwhile /readyz answers 503 and every
 * reply closes its connection, so that no client reuses a kept-alive connection that the final
 * stop would cut under a request.
 */
async function drain(seconds: number, clock: Clock, log: Logger): Promise<void> {
  log.info(`Draining for ${seconds} s (--shutdown-delay) before the proxy stops listening`);
  await pause(clock, seconds * 1000);
}

function closingConnection(reply: Response): Response {
  try {
    reply.headers.set("connection", "close");
    return reply;
  } catch {
    // Immutable headers (a Response.error(), a fetched reply): the same reply with a copy of them.
    const headers = new Headers(reply.headers);
    headers.set("connection", "close");
    return new Response(reply.body, { status: reply.status, statusText: reply.statusText, headers });
  }
}
