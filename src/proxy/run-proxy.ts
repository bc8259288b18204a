/** `grantpool proxy`: loads the pool from the store, serves the app, and shuts down cleanly on a signal. */
import type { Settings } from "../config/setting-table.ts";
import type { Logger } from "../log/logger.ts";
import { onShutdownSignal, serve } from "../platform/runtime.ts";
import type { AccountPool } from "../pool/account-pool.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { VERSION } from "../version.ts";
import { createApp } from "./create-app.ts";

export interface ProxyDeps {
  readonly settings: Settings;
  readonly store: AccountStore;
  readonly pool: AccountPool;
  readonly log: Logger;
}

export async function runProxy(deps: ProxyDeps): Promise<number> {
  const { settings, store, pool, log } = deps;
  let ready = false;
  const app = createApp({ pool, isReady: () => ready, version: VERSION });
  const server = serve((request) => app.handle(request), { port: settings.port, hostname: settings.host });
  log.info(`grantpool ${VERSION} proxy listening on ${server.url}`, { store: store.kind, port: server.port });
  await pool.start();
  ready = true;
  const stopped = new Promise<string>((resolve) => onShutdownSignal(resolve));
  const signal = await stopped;
  log.info(`Received ${signal}, shutting down`);
  pool.stop();
  await server.stop();
  await store.close();
  return 0;
}
