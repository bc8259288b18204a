/**
 * The fixture of the kube test files that need running pods. Under `npm test` one node serves
 * them: scripts/test.mjs starts it (`kube up DIR --node`) and names its directory in
 * GRANTPOOL_TEST_KUBE_NODE_DIR. A file run alone starts its own node and stops it after its
 * tests. A machine that lacks what a node needs fails the file with a message naming it: these
 * tests are never skipped.
 */
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KubeEnv, readKubeEnv } from "./kube-env.ts";
import { startKubeNode, stopKubeNode } from "./kube-node.ts";
import { stopKubeServer } from "./kube-server.ts";
import { type NetnsClient, startNetnsClient } from "./netns-client.ts";
import { type NodeNetwork, nodeNetwork } from "./node-network.ts";
import { nodeOfDir } from "./node-teardown.ts";
import { runTool, type ToolRun, type ToolRunOptions, toolEnv } from "./run-tool.ts";

export const KUBE_NODE_DIR_VARIABLE = "GRANTPOOL_TEST_KUBE_NODE_DIR";

/** A cold start builds the node components and the images. */
const START_TIMEOUT_MS = 45 * 60_000;

export interface KubeNodeFixture {
  readonly env: KubeEnv;
  readonly network: NodeNetwork;
  /** HTTP calls from inside the node's namespace (Service and pod addresses). */
  readonly client: NetnsClient;
  kubectl(args: readonly string[], options?: ToolRunOptions): Promise<ToolRun>;
  helm(args: readonly string[], options?: ToolRunOptions): Promise<ToolRun>;
  toolEnv(): Record<string, string>;
}

export function useKubeNode(): KubeNodeFixture {
  let env: KubeEnv | undefined;
  let network: NodeNetwork | undefined;
  let client: NetnsClient | undefined;
  let ownDir: string | undefined;

  beforeAll(async () => {
    const shared = process.env[KUBE_NODE_DIR_VARIABLE];
    if (shared) {
      const found = nodeOfDir(shared);
      if (found === undefined)
        throw new Error(`kube node: no node runs in ${shared} (see the "kube node up" step)`);
      env = readKubeEnv(shared);
      network = nodeNetwork(found.record.slot);
    } else {
      ownDir = mkdtempSync(join(tmpdir(), "grantpool-kube-node-"));
      const node = await startKubeNode(ownDir, { ownerPid: process.pid, log: (line) => console.error(line) });
      ({ env, network } = node);
    }
    client = startNetnsClient(network.netnsPath);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await client?.[Symbol.asyncDispose]();
    if (ownDir !== undefined) {
      await stopKubeNode(ownDir);
      await stopKubeServer(ownDir);
    }
  });

  const current = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("kube node: not started yet (use it inside tests)");
    return value;
  };
  return {
    get env() {
      return current(env);
    },
    get network() {
      return current(network);
    },
    get client() {
      return current(client);
    },
    kubectl: (args, options) => runTool(current(env), current(env).kubectl, args, options),
    helm: (args, options) => runTool(current(env), current(env).helm, args, options),
    toolEnv: () => toolEnv(current(env)),
  };
}
