/**
 * Node mode of the test cluster (`kube up DIR --node`): besides the API server, a real one-node
 * cluster whose pods run — kubelet, kube-proxy, controller-manager and scheduler (kube-node, built
 * from the same Kubernetes module), Debian's containerd, runc and CNI plugins, the pause image
 * built here and the grantpool image imported under the name the Helm chart's defaults give it.
 * Nothing is pulled. Everything, the API server included, lives in a network namespace of the
 * node's own (node-network.ts). `stopKubeNode` undoes it all, and any `up` or `down` first cleans
 * what a crashed run left (node-host-state.ts).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ensureNodeRuntime } from "../../../scripts/ensure-node-runtime.mjs";
import { ensureKubeBinaries } from "./kube-binaries.ts";
import type { KubeEnv } from "./kube-env.ts";
import { startKubeServer } from "./kube-server.ts";
import {
  cgroupRoot,
  cniConfig,
  componentArgs,
  containerdConfig,
  kubeletConfig,
  type NodePaths,
  nodePaths,
  proxyConfig,
} from "./node-config.ts";
import {
  createCgroupRoot,
  type NodeRecord,
  newNodeRecord,
  recordKernelSettings,
  saveNodeRecord,
} from "./node-host-state.ts";
import { importImages } from "./node-images.ts";
import { createNodeNetwork, freeSlot, type NodeNetwork, nodeNetwork } from "./node-network.ts";
import { startInNamespace } from "./node-processes.ts";
import { waitForNodeReady } from "./node-ready.ts";
import { checkNodeRequirements } from "./node-requirements.ts";
import { cleanCrashedNodes, nodeOfDir, teardownNode } from "./node-teardown.ts";
import { ensurePauseImage } from "./pause-image.ts";

export interface KubeNode {
  readonly env: KubeEnv;
  readonly network: NodeNetwork;
  readonly paths: NodePaths;
}

export interface NodeStartOptions {
  readonly ownerPid?: number;
  readonly log?: (line: string) => void;
}

const CONTAINERD_TIMEOUT_MS = 30_000;

async function waitForSocket(path: string, exit: () => string | undefined, log: string): Promise<void> {
  const deadline = Date.now() + CONTAINERD_TIMEOUT_MS;
  while (!existsSync(path)) {
    const exited = exit();
    if (exited !== undefined) throw new Error(`kube node: containerd stopped (${exited}):\n${tail(log)}`);
    if (Date.now() > deadline) throw new Error(`kube node: containerd did not listen in time:\n${tail(log)}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

export function tail(path: string): string {
  if (!existsSync(path)) return "(no log)";
  return readFileSync(path, "utf8").trimEnd().split("\n").slice(-20).join("\n");
}

/** Builds the grantpool image from this tree (a no-op build when dist/grantpool is current). */
function buildGrantpoolImage(outDir: string): Promise<string> {
  const script = join(import.meta.dir, "..", "..", "..", "scripts", "build-image.mjs");
  return new Promise((done, fail) => {
    const child = spawn("node", [script, "--out-dir", outDir], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", (error) => fail(new Error(`kube node: cannot run node: ${error.message}`)));
    child.on("exit", (code) => {
      if (code === 0) done(join(outDir, "grantpool-image.tar"));
      else fail(new Error(`kube node: npm run image failed (exit ${code}):\n${output}`));
    });
  });
}

function writeConfigs(dir: string, paths: NodePaths, network: NodeNetwork, pauseName: string): void {
  for (const path of [paths.containerdRoot, paths.containerdState, paths.runcRoot, paths.cniConfDir]) {
    mkdirSync(path, { recursive: true });
  }
  for (const path of [paths.cniDataDir, paths.kubeletRoot, paths.podLogs, paths.volumePlugins, paths.logs]) {
    mkdirSync(path, { recursive: true });
  }
  writeFileSync(paths.containerdConfig, containerdConfig(paths, pauseName));
  writeFileSync(join(paths.cniConfDir, "10-grantpool.conflist"), cniConfig(paths, network));
  writeFileSync(paths.kubeletConfig, kubeletConfig(paths, network));
  writeFileSync(paths.proxyConfig, proxyConfig(join(dir, "kubeconfig"), network));
}

/** Starts the API server and a node in `dir`; see the header. */
export async function startKubeNode(dirArg: string, options: NodeStartOptions = {}): Promise<KubeNode> {
  const dir = resolve(dirArg);
  const log = options.log ?? ((line: string) => console.error(line));
  const started = Date.now();
  ensureNodeRuntime({ log });
  checkNodeRequirements();
  await cleanCrashedNodes();
  if (nodeOfDir(dir) !== undefined) throw new Error(`kube node: a node already runs in ${dir}`);
  const binaries = ensureKubeBinaries({ log });
  const pause = ensurePauseImage();
  const paths = nodePaths(dir);
  rmSync(paths.root, { recursive: true, force: true });
  mkdirSync(paths.root, { recursive: true });
  // The image build (a few seconds of gzip) runs while the node comes up.
  const grantpoolImage = buildGrantpoolImage(paths.imageDir);
  grantpoolImage.catch(() => undefined);

  const network = nodeNetwork(freeSlot());
  const record: NodeRecord = newNodeRecord({
    dir,
    slot: network.slot,
    containerdSocket: paths.containerdSocket,
    cgroupRoot: cgroupRoot(network),
  });
  saveNodeRecord(network.netns, record);
  const remember = (name: string, pid: number, executable: string) => {
    record.processes.push({ name, pid, executable });
    saveNodeRecord(network.netns, record);
  };
  try {
    createNodeNetwork(network);
    writeConfigs(dir, paths, network, pause.name);
    createCgroupRoot(record.cgroupRoot);

    const containerdLog = join(paths.logs, "containerd.log");
    const containerd = startInNamespace(
      network.netnsPath,
      ["/usr/bin/containerd", "--config", paths.containerdConfig],
      containerdLog,
    );
    remember("containerd", containerd.pid, "/usr/bin/containerd");
    await waitForSocket(paths.containerdSocket, containerd.exit, containerdLog);

    const env = await startKubeServer(dir, {
      ...options,
      node: { netnsPath: network.netnsPath, nodeIp: network.nodeIp, publicIp: network.publicAddress },
    });
    const serverPid = Number(readFileSync(join(dir, "pid"), "utf8").trim());
    remember("kube-testenv", serverPid, binaries.server);

    importImages(paths.containerdSocket, pause.archive, await grantpoolImage);

    recordKernelSettings();
    const owner = options.ownerPid === undefined ? [] : ["-owner-pid", String(options.ownerPid)];
    for (const [name, args] of Object.entries(componentArgs(dir, paths, network))) {
      const component = startInNamespace(
        network.netnsPath,
        [binaries.node, ...owner, name, ...args],
        join(paths.logs, `${name}.log`),
      );
      remember(name, component.pid, binaries.node);
    }
    await waitForNodeReady(env, paths);
    log(`kube node: ready in ${((Date.now() - started) / 1000).toFixed(1)} s (namespace ${network.netns})`);
    return { env, network, paths };
  } catch (error) {
    await teardownNode(network.netns, record).catch((cleanup) =>
      log(`kube node: cleanup failed: ${cleanup}`),
    );
    throw error;
  }
}

/** Stops the node in `dir` (if one runs) and undoes what it changed; the API server's files stay. */
export async function stopKubeNode(dirArg: string): Promise<void> {
  await cleanCrashedNodes();
  const found = nodeOfDir(resolve(dirArg));
  if (found !== undefined) await teardownNode(found.netns, found.record);
}
