/**
 * The proxy's HTTP application. It never listens itself: main serves `app.handle` through the
 * platform module, and tests call `app.handle(request)` in-process. Client authentication runs
 * before routing; every error reply is built by protocol-errors.ts.
 */
import { type AnyElysia, Elysia } from "elysia";
import type { Logger } from "../log/logger.ts";
import type { AccountPool } from "../pool/account-pool.ts";
import { metricsReply } from "../telemetry/metrics-reply.ts";
import type { ClientAuth } from "./client-auth.ts";
import type { ForwardDeps } from "./forward-call.ts";
import { createGeminiRoutes } from "./gemini-routes.ts";
import { errorReply, protocolOfPath } from "./protocol-errors.ts";

export interface AppDeps {
  readonly pool: AccountPool;
  /** True once the store has been loaded (in Kubernetes, once the caches synced). */
  readonly isReady: () => boolean;
  readonly version: string;
  readonly auth: ClientAuth;
  readonly forward: ForwardDeps;
  readonly upstreamUrl: string;
  readonly maxBodyBytes: number;
  readonly log: Logger;
  /** The Prometheus text for `GET /metrics`; it answers 404 when undefined. */
  readonly scrapeMetrics?: (() => Promise<string>) | undefined;
  /** Routes with their own authentication (the admin API), mounted as they are. */
  readonly extraRoutes?: readonly AnyElysia[];
}

export function createApp(deps: AppDeps) {
  const app = new Elysia()
    .onRequest(({ request }) => {
      const url = new URL(request.url);
      if (url.pathname.startsWith("/admin/") || url.pathname === "/admin") return undefined;
      const verdict = deps.auth.check(request, url);
      if (verdict === "allowed") return undefined;
      return errorReply(protocolOfPath(url.pathname), {
        kind: "unauthenticated",
        message:
          verdict === "missing_key"
            ? "missing API key: send it as Authorization: Bearer, x-api-key, x-goog-api-key or ?key="
            : "invalid API key",
      });
    })
    .onError(({ code, request, error }) => {
      const path = new URL(request.url).pathname;
      if (code === "NOT_FOUND") {
        return errorReply(protocolOfPath(path), {
          kind: "not_found",
          message: `no route for ${request.method} ${path}`,
        });
      }
      deps.log.error(
        `Unexpected error serving ${request.method} ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return Response.json(
        { error: { code: 500, message: "internal error", status: "INTERNAL" } },
        { status: 500 },
      );
    })
    .get("/healthz", () => ({ status: "ok", version: deps.version }))
    .get("/readyz", ({ set }) => {
      // An empty or fully disabled pool keeps the replica ready: unready would pull every
      // replica out of the Service at once, and clients would lose the explanatory 503.
      if (deps.isReady()) return { status: "ready", accounts: deps.pool.summary() };
      set.status = 503;
      return { status: "starting" };
    })
    .get("/metrics", () => metricsReply(deps.scrapeMetrics))
    .use(
      createGeminiRoutes({
        forward: deps.forward,
        upstreamUrl: deps.upstreamUrl,
        maxBodyBytes: deps.maxBodyBytes,
      }),
    );
  for (const routes of deps.extraRoutes ?? []) app.use(routes);
  return app;
}
