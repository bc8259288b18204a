/**
 * Waits until the node can run pods: the Node object reports Ready (the kubelet registered, the
 * runtime and the CNI network are up) and the controller-manager has given namespace "default"
 * its ServiceAccount (pods are admitted only with one).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { KubeEnv } from "./kube-env.ts";
import { NODE_NAME, type NodePaths } from "./node-config.ts";
import { toolEnv } from "./run-tool.ts";

const READY_TIMEOUT_MS = 120_000;

function kubectl(env: KubeEnv, args: readonly string[]): { ok: boolean; output: string } {
  const result = spawnSync(env.kubectl, args, { env: toolEnv(env), encoding: "utf8", timeout: 10_000 });
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
}

function nodeReady(env: KubeEnv): boolean {
  const status = kubectl(env, [
    "get",
    "node",
    NODE_NAME,
    "-o",
    'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
  ]);
  return status.ok && status.output === "True";
}

function defaultServiceAccount(env: KubeEnv): boolean {
  return kubectl(env, ["get", "serviceaccount", "default", "-n", "default"]).ok;
}

export async function waitForNodeReady(env: KubeEnv, paths: NodePaths): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(nodeReady(env) && defaultServiceAccount(env))) {
    if (Date.now() > deadline) {
      const node = kubectl(env, ["describe", "node", NODE_NAME]).output;
      throw new Error(
        `kube node: ${NODE_NAME} was not Ready within ${READY_TIMEOUT_MS / 1000} s (logs in ${paths.logs}):\n${node}\n` +
          `kubelet log: ${join(paths.logs, "kubelet.log")}`,
      );
    }
    await new Promise((done) => setTimeout(done, 250));
  }
}
