/**
 * The two watches every Kubernetes-mode component needs: Accounts and Secrets in one namespace
 * (or all), each a resilient informer, synced together. Callers decide what an event means.
 */
import type { Logger } from "../log/logger.ts";
import type { Clock } from "../time/clock.ts";
import type { KubeApi, KubeList } from "./kube-api.ts";
import { startResilientInformer } from "./resilient-informer.ts";

export type ObjectEvent = (object: unknown, removed: boolean) => void;

export interface AccountInformers {
  /** Resolves once both caches are complete. */
  readonly synced: Promise<void>;
  stop(): Promise<void>;
}

export function startAccountInformers(options: {
  readonly api: KubeApi;
  readonly namespace: string | undefined;
  readonly log: Logger;
  readonly clock: Clock;
  readonly onAccount: ObjectEvent;
  readonly onSecret: ObjectEvent;
}): AccountInformers {
  const { api, namespace } = options;
  const watch = (what: string, path: string, list: () => Promise<KubeList>, onEvent: ObjectEvent) =>
    startResilientInformer({
      config: api.config,
      log: options.log,
      clock: options.clock,
      what,
      path,
      list,
      handlers: { upsert: (o) => onEvent(o, false), remove: (o) => onEvent(o, true) },
    });
  const accounts = watch(
    "Accounts",
    api.accountsPath(namespace),
    () => api.listAccounts(namespace),
    options.onAccount,
  );
  const secrets = watch(
    "Secrets",
    api.secretsPath(namespace),
    () => api.listSecrets(namespace),
    options.onSecret,
  );
  return {
    synced: Promise.all([accounts.synced, secrets.synced]).then(() => {}),
    stop: async () => {
      await Promise.all([accounts.stop(), secrets.stop()]);
    },
  };
}
