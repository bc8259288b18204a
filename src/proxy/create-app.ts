/**
 * The proxy's HTTP application. It never listens itself: main serves it through the platform
 * module behind the request gate (served-handler.ts), and tests call `app.handle(request)`
 * in-process. Each route group carries its access rule (client-auth.ts, admin-auth.ts), checked
 * after routing; every error reply is built by protocol-errors.ts.
 */
import { type AnyElysia, Elysia } from "elysia";
import type { Logger } from "../log/logger.ts";
import type { AccountPool } from "../pool/account-pool.ts";
import { metricsReply } from "../telemetry/metrics-reply.ts";
import type { StartTimer } from "../time/shared-deadlines.ts";
import { requireAccess } from "./access/access-rule.ts";
import { createAnthropicRoutes } from "./anthropic-routes.ts";
import type { ClientAccess } from "./client-auth.ts";
import type { ForwardDeps } from "./forward-call.ts";
import { createGeminiRoutes } from "./gemini-routes.ts";
import type { ModelMap } from "./model-map.ts";
import { createModelsRoute } from "./models-route.ts";
import { createOpenAiRoutes } from "./openai-routes.ts";
import { unhandledErrorReply } from "./protocol-errors.ts";
import { productToken } from "./upstream/user-agent.ts";

export interface AppDeps {
  readonly pool: AccountPool;
  /** True once the store has been loaded (in Kubernetes, once the caches synced). */
  readonly isReady: () => boolean;
  readonly version: string;
  readonly access: ClientAccess;
  /** Client model names → upstream models, for every protocol's routes. */
  readonly modelMap: ModelMap;
  readonly forward: ForwardDeps;
  readonly upstreamUrl: string;
  readonly maxBodyBytes: number;
  /** Milliseconds within which a request body must have arrived. */
  readonly bodyTimeoutMs: number;
  /** The body timeout's timer (the shared deadlines unless a test drives it). */
  readonly startTimer?: StartTimer;
  readonly log: Logger;
  /** The Prometheus text for `GET /metrics`; it answers 404 when undefined. */
  readonly scrapeMetrics?: (() => Promise<string>) | undefined;
  /** Routes with their own access rule (the admin API), mounted as they are. */
  readonly extraRoutes?: readonly AnyElysia[];
}

function probeRoutes(deps: AppDeps) {
  return (
    new Elysia()
      .onBeforeHandle(requireAccess(deps.access.probes))
      .get("/healthz", () => ({ status: "ok", version: deps.version }))
      // An empty or fully disabled pool keeps the replica ready: unready would pull every
      // replica out of the Service at once, and clients would lose the explanatory 503.
      .get("/readyz", ({ set }) => {
        if (deps.isReady()) return { status: "ready", accounts: deps.pool.summary() };
        set.status = 503;
        return { status: "starting" };
      })
      .get("/metrics", () => metricsReply(deps.scrapeMetrics))
      // Clients probe the root before their first call (Anthropic's SDKs, gateways' health checks).
      .get("/", () => ({ status: "ok", name: "grantpool", version: deps.version }))
      .head("/", () => new Response(null, { status: 200 }))
  );
}

export function createApp(deps: AppDeps) {
  const bodyLimits = {
    maxBytes: deps.maxBodyBytes,
    timeoutMs: deps.bodyTimeoutMs,
    ...(deps.startTimer === undefined ? {} : { startTimer: deps.startTimer }),
  };
  // Upstream calls carry the client's user agent with grantpool's product token appended.
  const forward: ForwardDeps = { ...deps.forward, productToken: productToken(deps.version) };
  const app = new Elysia()
    .onError((failure) => unhandledErrorReply(failure, deps.log))
    .use(probeRoutes(deps))
    .use(
      createGeminiRoutes({
        access: deps.access.api("gemini"),
        modelMap: deps.modelMap,
        forward,
        upstreamUrl: deps.upstreamUrl,
        bodyLimits,
      }),
    )
    .use(
      createAnthropicRoutes({
        access: deps.access.api("anthropic"),
        modelMap: deps.modelMap,
        forward,
        bodyLimits,
      }),
    )
    .use(
      createOpenAiRoutes({
        access: deps.access.api("openai"),
        modelMap: deps.modelMap,
        forward,
        bodyLimits,
      }),
    )
    .use(
      createModelsRoute({
        access: deps.access,
        forward,
        upstreamUrl: deps.upstreamUrl,
        modelMap: deps.modelMap,
      }),
    );
  for (const routes of deps.extraRoutes ?? []) app.use(routes);
  return app;
}
