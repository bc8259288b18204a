/**
 * The proxy app the request benches measure: ten live accounts in a memory store, round-robin,
 * an upstream profile (the Gemini profile unless told) in front of an in-process stub `fetch`,
 * served as the proxy serves it — with telemetry when given one, else with none wired at all.
 */
import { silentLogger } from "../../src/log/logger.ts";
import type { FetchLike } from "../../src/oauth/google-oauth-client.ts";
import { AccountPool } from "../../src/pool/account-pool.ts";
import { createRoundRobinStrategy } from "../../src/pool/strategies/round-robin.ts";
import { createClientAccess } from "../../src/proxy/client-auth.ts";
import { createApp } from "../../src/proxy/create-app.ts";
import { createModelMap } from "../../src/proxy/model-map.ts";
import { servedHandler } from "../../src/proxy/served-handler.ts";
import { createGeminiProfile } from "../../src/proxy/upstream/gemini-profile.ts";
import type { UpstreamProfile } from "../../src/proxy/upstream/upstream-profile.ts";
import { MemoryAccountStore } from "../../src/stores/memory-account-store.ts";
import { observePoolStates } from "../../src/telemetry/account-states-gauge.ts";
import { createAccountTelemetry } from "../../src/telemetry/account-telemetry.ts";
import type { FetchHandler } from "../../src/telemetry/http-server-telemetry.ts";
import { DISABLED_TELEMETRY, type Telemetry } from "../../src/telemetry/telemetry.ts";
import { systemClock } from "../../src/time/clock.ts";
import { liveAccounts, UNUSED_OAUTH } from "./bench-accounts.ts";

export const BENCH_UPSTREAM = "http://upstream.invalid";

export interface BenchProxyOptions {
  readonly telemetry?: Telemetry;
  /** Default: the Gemini profile in front of `stubFetch`. */
  readonly profile?: UpstreamProfile;
}

export async function benchProxy(
  stubFetch: FetchLike,
  options: BenchProxyOptions = {},
): Promise<FetchHandler> {
  const { telemetry } = options;
  const pool = new AccountPool({
    store: new MemoryAccountStore({ accounts: liveAccounts(10) }),
    oauth: UNUSED_OAUTH,
    clock: systemClock,
    log: silentLogger,
    strategy: createRoundRobinStrategy(),
    refreshSkewSeconds: 300,
    ...(telemetry === undefined
      ? {}
      : { observer: createAccountTelemetry(telemetry), tracer: telemetry.tracer }),
  });
  await pool.start();
  const app = createApp({
    pool,
    isReady: () => true,
    version: "bench",
    access: createClientAccess("off", "127.0.0.1", []),
    modelMap: createModelMap([]),
    forward: {
      pool,
      profile: options.profile ?? createGeminiProfile(BENCH_UPSTREAM),
      fetch: stubFetch,
      clock: systemClock,
      log: silentLogger,
      maxAttempts: 3,
      // As run-proxy.ts wires it: upstream spans only when traces are exported.
      ...(telemetry === undefined ? {} : { metrics: telemetry.metrics }),
      ...(telemetry?.tracing === true ? { tracer: telemetry.tracer } : {}),
    },
    upstreamUrl: BENCH_UPSTREAM,
    maxBodyBytes: 1_000_000,
    bodyTimeoutMs: 60_000,
    log: silentLogger,
    scrapeMetrics: telemetry?.scrape,
  });
  if (telemetry !== undefined) observePoolStates(telemetry.meter, pool);
  return servedHandler(app, telemetry ?? DISABLED_TELEMETRY);
}
