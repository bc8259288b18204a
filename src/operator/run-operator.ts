/**
 * `grantpool operator`: reconciles Accounts and their Secrets (SPEC §8.3). With --leader-elect only
 * the holder of the `grantpool-operator` Lease reconciles; the others keep warm caches. Health is
 * served on --metrics-port; SIGTERM stops the work and releases the Lease.
 */
import { hostname } from "node:os";
import { Elysia } from "elysia";
import type { Settings } from "../config/setting-table.ts";
import { createKubeApi, currentNamespace, loadKubeConfig } from "../kubernetes/kube-api.ts";
import type { Logger } from "../log/logger.ts";
import type { GoogleOAuthClient } from "../oauth/google-oauth-client.ts";
import { onShutdownSignal, serve } from "../platform/runtime.ts";
import { observeAccountStates } from "../telemetry/account-states-gauge.ts";
import { metricsReply } from "../telemetry/metrics-reply.ts";
import { DISABLED_TELEMETRY, type Telemetry } from "../telemetry/telemetry.ts";
import type { Clock } from "../time/clock.ts";
import { VERSION } from "../version.ts";
import { AccountController } from "./account-controller.ts";
import { LeaderElector } from "./leader-election.ts";
import { createTokenVerifier } from "./token-verifier.ts";

export interface OperatorDeps {
  readonly settings: Settings;
  readonly oauth: GoogleOAuthClient;
  readonly clock: Clock;
  readonly log: Logger;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly telemetry?: Telemetry;
}

export const LEASE_NAME = "grantpool-operator";

export async function runOperator(deps: OperatorDeps): Promise<number> {
  const { settings, log, clock } = deps;
  const config = loadKubeConfig();
  const api = createKubeApi(config);
  const home = settings.namespace ?? deps.env.POD_NAMESPACE ?? currentNamespace(config);
  const namespace = settings.allNamespaces ? undefined : home;
  const telemetry = deps.telemetry ?? DISABLED_TELEMETRY;
  const controller = new AccountController({
    api,
    clock,
    log,
    metrics: telemetry.metrics,
    tracer: telemetry.tracer,
    verify: createTokenVerifier(deps.oauth, { clock, metrics: telemetry.metrics, tracer: telemetry.tracer }),
    ...(namespace === undefined ? {} : { namespace }),
  });
  let synced = false;
  const health = new Elysia()
    .get("/healthz", () => ({ status: "ok", version: VERSION }))
    .get("/readyz", ({ set }) => {
      if (synced) return { status: "ready", leader: elector?.isLeader ?? true };
      set.status = 503;
      return { status: "starting" };
    })
    .get("/metrics", () => metricsReply(telemetry.scrape));
  const stopObserving = observeAccountStates(telemetry.meter, () => controller.stateCounts());
  const server = serve((request) => health.handle(request), {
    port: settings.metricsPort,
    hostname: "0.0.0.0",
  });
  log.info(
    `grantpool ${VERSION} operator watching ${namespace ?? "every namespace"}; health on port ${server.port}`,
    {
      port: server.port,
    },
  );

  let elector: LeaderElector | undefined;
  const stopped = new Promise<string>((resolve) => onShutdownSignal(resolve));
  await Promise.race([controller.synced, stopped]);
  synced = true;
  if (settings.leaderElect) {
    elector = new LeaderElector({
      kubeConfig: config,
      namespace: home,
      name: LEASE_NAME,
      identity: deps.env.POD_NAME ?? `${hostname()}-${process.pid}`,
      leaseDurationSeconds: settings.leaseDurationSeconds,
      renewDeadlineSeconds: settings.renewDeadlineSeconds,
      retryPeriodSeconds: settings.retryPeriodSeconds,
      clock,
      log,
      onStartedLeading: () => controller.startWorking(),
      onStoppedLeading: () => controller.stopWorking(),
    });
    void elector.run().catch((error: unknown) => log.error(`Leader election ended: ${String(error)}`));
  } else {
    controller.startWorking();
  }
  const signal = await stopped;
  log.info(`Received ${signal}, shutting down`);
  await elector?.stop();
  await controller.close();
  await server.stop();
  stopObserving();
  await telemetry.shutdown();
  return 0;
}
