/**
 * Takes a node down and leaves the machine as `up` found it: the components and containerd
 * stopped by their recorded pids, every pod process killed through the node's cgroup parent, the
 * containerd-shims of this node's containerd killed, the mounts under the node's directory
 * undone, the network namespace (with its links, routes and iptables chains) and the host's veth
 * end deleted, the cgroups removed, the shared paths and kernel settings put back
 * (node-host-state.ts). Works as well on a node whose run crashed: `up` and `down` call
 * `cleanCrashedNodes` first.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { unmountUnder } from "../../support/podman-host-state.ts";
import {
  forgetNode,
  type NodeRecord,
  nodeRecords,
  removeCgroupRoot,
  restoreSharedPaths,
} from "./node-host-state.ts";
import { deleteNodeNetwork, nodeNetwork } from "./node-network.ts";
import { killPodProcesses, killShims, runsProgram, stopProcess } from "./node-processes.ts";
import { isProcessAlive } from "./process-liveness.ts";

/** The kubelet first, so it restarts no container; containerd last, after its shims. */
const STOP_ORDER = ["kubelet", "controller-manager", "scheduler", "proxy", "kube-testenv"];

/** How long a failing step is tried again: a process killed a moment ago may still hold a mount or a cgroup. */
const STEP_RETRY_MS = 5_000;
const STEP_RETRY_INTERVAL_MS = 100;

/** Runs `step` until it succeeds or `STEP_RETRY_MS` passed; the last failure's message, if any. */
async function retryStep(step: () => unknown): Promise<string | undefined> {
  const deadline = Date.now() + STEP_RETRY_MS;
  for (;;) {
    try {
      await step();
      return undefined;
    } catch (error) {
      if (Date.now() >= deadline) return error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, STEP_RETRY_INTERVAL_MS));
  }
}

/**
 * Every step runs even when an earlier one failed (a half-done teardown would block the next
 * `up`), each tried again for a while when it fails; the record is dropped only when all
 * succeeded, so a later `down` can try again.
 */
export async function teardownNode(netns: string, record: NodeRecord): Promise<void> {
  const byName = (name: string) => record.processes.filter((entry) => entry.name === name);
  const nodeDir = join(record.dir, "node");
  const steps: [string, () => unknown][] = [
    ...STOP_ORDER.flatMap((name) =>
      byName(name).map((entry): [string, () => unknown] => [
        `stop ${name}`,
        () => stopProcess(entry.pid, entry.executable),
      ]),
    ),
    ["kill the pods' processes", () => killPodProcesses(record.cgroupRoot)],
    ["kill the containerd-shims", () => killShims(record.containerdSocket)],
    ...byName("containerd").map((entry): [string, () => unknown] => [
      "stop containerd",
      () => stopProcess(entry.pid, entry.executable),
    ]),
    ["unmount", () => unmountUnder(nodeDir)],
    ["delete the network", () => deleteNodeNetwork(nodeNetwork(record.slot))],
    ["remove the cgroups", () => removeCgroupRoot(record.cgroupRoot)],
    ["restore shared paths", () => restoreSharedPaths(record)],
    ["remove the node's files", () => rmSync(nodeDir, { recursive: true, force: true })],
  ];
  const failures: string[] = [];
  for (const [name, step] of steps) {
    const failure = await retryStep(step);
    if (failure !== undefined) failures.push(`${name}: ${failure}`);
  }
  if (failures.length > 0) throw new Error(`kube node: teardown of ${netns} failed:\n${failures.join("\n")}`);
  forgetNode(netns);
}

/** A node is alive while its API server runs, or while the `up` that starts it runs. */
function isAlive(record: NodeRecord): boolean {
  const server = record.processes.find((entry) => entry.name === "kube-testenv");
  if (server !== undefined && runsProgram(server.pid, server.executable)) return true;
  return record.starterPid !== process.pid && isProcessAlive(record.starterPid) && server === undefined;
}

/** Tears down every node whose run died (its owner gone, so its API server exited). */
export async function cleanCrashedNodes(): Promise<void> {
  for (const [netns, record] of nodeRecords()) {
    if (!isAlive(record)) await teardownNode(netns, record);
  }
}

export function nodeOfDir(dir: string): { netns: string; record: NodeRecord } | undefined {
  for (const [netns, record] of nodeRecords()) if (record.dir === dir) return { netns, record };
  return undefined;
}
