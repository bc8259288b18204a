/**
 * The Kubernetes test environment's command line (also `npm run kube -- …`):
 *
 *   bun test/kube/env.ts up DIR [--node] [--owner-pid PID]   build what is missing, start a server, print KUBECONFIG=…
 *   bun test/kube/env.ts down DIR                            stop it (and its node) and remove what `up` wrote
 *   bun test/kube/env.ts build                               only build (or find) the Go binaries
 *
 * `up` returns once /readyz answers; the server keeps running in the background. DIR then holds
 * kubeconfig (admin token, CA embedded), bin/kubectl, bin/helm, identities.json and pid. With
 * --node it also starts a real node in a network namespace of its own (support/kube-node.ts) and
 * returns once the node is Ready.
 */
import { join, resolve } from "node:path";
import { ensureKubeBinaries } from "./support/kube-binaries.ts";
import { startKubeNode, stopKubeNode } from "./support/kube-node.ts";
import { startKubeServer, stopKubeServer } from "./support/kube-server.ts";

const USAGE = "usage: bun test/kube/env.ts up DIR [--node] [--owner-pid PID] | down DIR | build";

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function ownerPid(args: readonly string[]): number | undefined {
  const index = args.indexOf("--owner-pid");
  if (index === -1) return undefined;
  const pid = Number(args[index + 1]);
  if (!Number.isInteger(pid) || pid <= 0) fail(`--owner-pid needs a process id\n${USAGE}`);
  return pid;
}

async function main(args: readonly string[]): Promise<void> {
  const [command, dirArg] = args;
  const log = (line: string) => console.error(line);
  if (command === "build") {
    console.log(ensureKubeBinaries({ log }).binDir);
    return;
  }
  if ((command !== "up" && command !== "down") || dirArg === undefined || dirArg.startsWith("-")) fail(USAGE);
  const dir = resolve(dirArg);
  if (command === "down") {
    await stopKubeNode(dir);
    await stopKubeServer(dir);
    return;
  }
  const pid = ownerPid(args.slice(2));
  const options = pid === undefined ? { log } : { log, ownerPid: pid };
  const env = args.includes("--node")
    ? (await startKubeNode(dir, options)).env
    : await startKubeServer(dir, options);
  console.error(`kube: ${env.server} is ready; kubectl and helm are in ${join(dir, "bin")}`);
  console.log(`KUBECONFIG=${env.kubeconfig}`);
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
