/**
 * The proxy's HTTP application. It never listens itself: main serves `app.fetch` through the
 * platform module, and tests call `app.handle(request)` in-process.
 */
import { Elysia } from "elysia";
import type { AccountPool } from "../pool/account-pool.ts";

export interface AppDeps {
  readonly pool: AccountPool;
  /** True once the store has been loaded (in Kubernetes, once the caches synced). */
  readonly isReady: () => boolean;
  readonly version: string;
}

export function createApp(deps: AppDeps) {
  return new Elysia()
    .get("/healthz", () => ({ status: "ok", version: deps.version }))
    .get("/readyz", ({ set }) => {
      // An empty or fully disabled pool keeps the replica ready: unready would pull every
      // replica out of the Service at once, and clients would lose the explanatory 503.
      if (deps.isReady()) return { status: "ready", accounts: deps.pool.summary() };
      set.status = 503;
      return { status: "starting" };
    });
}
