/** Builds the shared pieces from validated settings: logger, OAuth client, store, pool, quota fetcher. */
import type { Tracer } from "@opentelemetry/api";
import { quotaPolicyOf } from "../config/quota-policy.ts";
import type { Settings } from "../config/setting-table.ts";
import { createLogger, type Logger } from "../log/logger.ts";
import {
  createGoogleOAuthClient,
  type FetchLike,
  type GoogleOAuthClient,
} from "../oauth/google-oauth-client.ts";
import { AccountPool } from "../pool/account-pool.ts";
import type { PoolObserver } from "../pool/pool-observer.ts";
import { QuotaRefresher } from "../pool/quota-refresher.ts";
import { createFixedStrategy } from "../pool/strategies/fixed.ts";
import { createRoundRobinStrategy } from "../pool/strategies/round-robin.ts";
import type { SelectionStrategy } from "../pool/strategies/selection-strategy.ts";
import { createStickyStrategy } from "../pool/strategies/sticky.ts";
import type { UpstreamProfile } from "../proxy/upstream/upstream-profile.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { FileAccountStore } from "../stores/file/file-account-store.ts";
import type { Clock } from "../time/clock.ts";

/** The configured secrets the logger masks wherever they appear (keys and the client secret). */
function configuredSecrets(settings: Settings): string[] {
  return [...settings.apiKeys, settings.adminKey, settings.oauthClientSecret].filter(
    (secret): secret is string => secret !== undefined && secret !== "",
  );
}

export function createProcessLogger(settings: Settings, clock: Clock, write: (line: string) => void): Logger {
  return createLogger({
    level: settings.logLevel,
    format: settings.logFormat,
    clock,
    write,
    secrets: configuredSecrets(settings),
  });
}

export function createOAuth(settings: Settings, fetch: FetchLike, clock: Clock): GoogleOAuthClient {
  return createGoogleOAuthClient({
    fetch,
    clock,
    tokenUrl: settings.oauthTokenUrl,
    userinfoUrl: settings.oauthUserinfoUrl,
    authUrl: settings.oauthAuthUrl,
    timeoutMs: settings.refreshTimeoutSeconds * 1000,
    ...(settings.oauthClientId === undefined ? {} : { clientId: settings.oauthClientId }),
    ...(settings.oauthClientSecret === undefined ? {} : { clientSecret: settings.oauthClientSecret }),
  });
}

export async function createStore(settings: Settings, log: Logger, clock: Clock): Promise<AccountStore> {
  if (settings.store === "file") return new FileAccountStore({ dataDir: settings.dataDir, log, clock });
  // Loaded only in Kubernetes mode: the file store starts without the Kubernetes client.
  const { createKubeApi, currentNamespace, loadKubeConfig } = await import("../kubernetes/kube-api.ts");
  const { KubernetesAccountStore } = await import("../stores/kubernetes/kubernetes-account-store.ts");
  const config = loadKubeConfig();
  const namespace = settings.allNamespaces ? undefined : (settings.namespace ?? currentNamespace(config));
  return new KubernetesAccountStore({
    api: createKubeApi(config),
    clock,
    log,
    ...(namespace === undefined ? {} : { namespace }),
  });
}

function createStrategy(
  settings: Settings,
  clock: Clock,
  pool: () => AccountPool | undefined,
): SelectionStrategy {
  switch (settings.strategy) {
    case "sticky":
      return createStickyStrategy({ clock, idleMs: settings.stickyIdleSeconds * 1000 });
    case "fixed": {
      const preferred = settings.fixedAccount ?? "";
      return createFixedStrategy(() => pool()?.resolve(preferred));
    }
    case "round-robin":
      return createRoundRobinStrategy();
  }
}

export function createPool(
  settings: Settings,
  deps: {
    store: AccountStore;
    oauth: GoogleOAuthClient;
    clock: Clock;
    log: Logger;
    observer?: PoolObserver;
    tracer?: Tracer;
  },
): AccountPool {
  let pool: AccountPool | undefined;
  const quotaPolicy = quotaPolicyOf(settings);
  pool = new AccountPool({
    ...deps,
    strategy: createStrategy(settings, deps.clock, () => pool),
    refreshSkewSeconds: settings.refreshSkewSeconds,
    ...(quotaPolicy === undefined ? {} : { quotaPolicy }),
    quotaPreference: settings.quotaPreference,
  });
  return pool;
}

/** The quota fetcher, where the upstream tells quota (the code-assist profile). */
export function createQuotaRefresher(
  settings: Settings,
  deps: { pool: AccountPool; store: AccountStore; clock: Clock; log: Logger },
  profile: UpstreamProfile,
): QuotaRefresher | undefined {
  if (profile.fetchQuota === undefined) return undefined;
  const policy = quotaPolicyOf(settings);
  return new QuotaRefresher({
    ...deps,
    fetchQuota: profile.fetchQuota,
    intervalMs: settings.quotaRefreshIntervalSeconds * 1000,
    ...(policy === undefined ? {} : { policy }),
  });
}
