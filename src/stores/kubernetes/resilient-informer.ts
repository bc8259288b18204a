/**
 * An informer (list + watch, relist on 410 Gone) that does not give up: client-node's informer
 * stops on any other error, so this one restarts it with backoff — across API-server restarts and
 * network trouble — and says when its cache first became complete.
 */
import * as k8s from "@kubernetes/client-node";
import type { Logger } from "../../log/logger.ts";
import { describeKubeError, type KubeList } from "./kube-api.ts";

export interface InformerHandlers {
  readonly upsert: (object: unknown) => void;
  readonly remove: (object: unknown) => void;
}

export interface ResilientInformer {
  /** Resolves once the first list has filled the cache. */
  readonly synced: Promise<void>;
  list(): unknown[];
  stop(): Promise<void>;
}

export interface InformerOptions {
  readonly config: k8s.KubeConfig;
  readonly path: string;
  readonly list: () => Promise<KubeList>;
  readonly handlers: InformerHandlers;
  readonly log: Logger;
  readonly what: string;
  readonly maxBackoffMs?: number;
}

export function startResilientInformer(options: InformerOptions): ResilientInformer {
  // client-node's start() also resolves when its list failed (it reports that as an error event),
  // so the cache counts as synced only after a list that succeeded.
  let listed = false;
  const listFn = async () => {
    const list = await options.list();
    listed = true;
    return list as k8s.KubernetesListObject<k8s.KubernetesObject>;
  };
  const informer = k8s.makeInformer(options.config, options.path, listFn);
  let stopped = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let markSynced: () => void = () => {};
  const synced = new Promise<void>((resolve) => {
    markSynced = resolve;
  });

  informer.on("add", (object) => options.handlers.upsert(object));
  informer.on("update", (object) => options.handlers.upsert(object));
  informer.on("delete", (object) => options.handlers.remove(object));
  informer.on("connect", () => {
    failures = 0;
  });

  const start = (): void => {
    informer.start().then(
      () => {
        if (listed) markSynced();
      },
      (error: unknown) => restart(error),
    );
  };

  const restart = (error: unknown): void => {
    if (stopped) return;
    failures += 1;
    const delay = Math.min(250 * 2 ** Math.min(failures - 1, 10), options.maxBackoffMs ?? 10_000);
    options.log.warn(
      `Watch of ${options.what} failed (${describeKubeError(error)}); restarting in ${delay} ms`,
    );
    clearTimeout(timer);
    timer = setTimeout(start, delay);
  };

  informer.on("error", restart);
  start();

  return {
    synced,
    list: () => [...informer.list()],
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await informer.stop();
    },
  };
}
