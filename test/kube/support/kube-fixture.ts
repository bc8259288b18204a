/**
 * The kube test files' fixture. Under `npm test` one server serves every file: scripts/test.mjs
 * starts it and names its directory in GRANTPOOL_TEST_KUBE_DIR. A file run alone starts its own
 * server (building the tools on first use) and stops it after its tests. A file that restarts
 * the server asks for `{ own: true }`: it then always gets a server of its own, even under
 * `npm test`, so the restart never disturbs the other files.
 */
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KubeEnv, readKubeEnv } from "./kube-env.ts";
import {
  pauseKubeServer,
  restartKubeServer,
  resumeKubeServer,
  startKubeServer,
  stopKubeServer,
} from "./kube-server.ts";
import { runTool, type ToolRun, type ToolRunOptions, toolEnv } from "./run-tool.ts";

export const KUBE_DIR_VARIABLE = "GRANTPOOL_TEST_KUBE_DIR";

/** A cold build downloads and compiles Kubernetes: far beyond the usual hook timeout. */
const START_TIMEOUT_MS = 45 * 60_000;

export interface KubeFixture {
  /** The server's files and identities; available once the file's beforeAll hooks ran. */
  readonly env: KubeEnv;
  kubectl(args: readonly string[], options?: ToolRunOptions): Promise<ToolRun>;
  helm(args: readonly string[], options?: ToolRunOptions): Promise<ToolRun>;
  /** Variables that point kubectl, helm and client-node at this server, and nowhere else. */
  toolEnv(): Record<string, string>;
  /**
   * A namespace of its own for one test. Without a controller-manager a deleted namespace would
   * stay Terminating, so namespaces are never deleted; they go with the server.
   */
  createNamespace(prefix: string): Promise<string>;
  /**
   * Stops etcd and the API server, keeping their data, ports and certificates: clients see
   * connections refused until `resumeServer`. Only with `useKubeServer({ own: true })`.
   */
  pauseServer(): Promise<void>;
  /** Starts the paused server again; clients' kubeconfigs stay valid. */
  resumeServer(): Promise<void>;
  /** `pauseServer` then `resumeServer`. */
  restartServer(): Promise<void>;
}

export interface KubeServerOptions {
  /** Always start a server for this file alone (required to pause or restart it). */
  readonly own?: boolean;
}

/** Registers the hooks that provide (and, when it started one, stop) a server for this file. */
export function useKubeServer(options: KubeServerOptions = {}): KubeFixture {
  let env: KubeEnv | undefined;
  let ownDir: string | undefined;
  const startOptions = { ownerPid: process.pid, log: (line: string) => console.error(line) };

  beforeAll(async () => {
    const shared = process.env[KUBE_DIR_VARIABLE];
    if (shared && options.own !== true) {
      env = readKubeEnv(shared);
      return;
    }
    ownDir = mkdtempSync(join(tmpdir(), "grantpool-kube-"));
    env = await startKubeServer(ownDir, startOptions);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    if (ownDir !== undefined) await stopKubeServer(ownDir);
  });

  const current = (): KubeEnv => {
    if (env === undefined) throw new Error("kube: the server is not started yet (use it inside tests)");
    return env;
  };
  /** The directory of a server this file asked to own; any other server is not ours to stop. */
  const ownServer = (): string => {
    if (options.own !== true || ownDir === undefined)
      throw new Error("kube: only a server of the file's own can be paused (useKubeServer({ own: true }))");
    return ownDir;
  };
  let counter = 0;
  const fixture: KubeFixture = {
    get env() {
      return current();
    },
    kubectl: (args, options) => runTool(current(), current().kubectl, args, options),
    helm: (args, options) => runTool(current(), current().helm, args, options),
    toolEnv: () => toolEnv(current()),
    async createNamespace(prefix) {
      counter += 1;
      const name = `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
      const run = await fixture.kubectl(["create", "namespace", name]);
      if (run.code !== 0) throw new Error(`kube: cannot create namespace ${name}: ${run.stderr}`);
      return name;
    },
    pauseServer: () => pauseKubeServer(ownServer()),
    async resumeServer() {
      await resumeKubeServer(ownServer(), startOptions);
    },
    async restartServer() {
      await restartKubeServer(ownServer(), startOptions);
    },
  };
  return fixture;
}
