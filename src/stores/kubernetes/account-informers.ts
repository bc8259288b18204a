/**
 * The two watches every Kubernetes-mode component needs: Accounts and Secrets in one namespace
 * (or all), each a resilient informer, synced together. Callers decide what an event means.
 */
import type { Logger } from "../../log/logger.ts";
import type { KubeApi } from "./kube-api.ts";
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
  readonly onAccount: ObjectEvent;
  readonly onSecret: ObjectEvent;
}): AccountInformers {
  const { api, namespace, log } = options;
  const accounts = startResilientInformer({
    config: api.config,
    log,
    what: "Accounts",
    path: api.accountsPath(namespace),
    list: () => api.listAccounts(namespace),
    handlers: { upsert: (o) => options.onAccount(o, false), remove: (o) => options.onAccount(o, true) },
  });
  const secrets = startResilientInformer({
    config: api.config,
    log,
    what: "Secrets",
    path: api.secretsPath(namespace),
    list: () => api.listSecrets(namespace),
    handlers: { upsert: (o) => options.onSecret(o, false), remove: (o) => options.onSecret(o, true) },
  });
  return {
    synced: Promise.all([accounts.synced, secrets.synced]).then(() => {}),
    stop: async () => {
      await Promise.all([accounts.stop(), secrets.stop()]);
    },
  };
}
