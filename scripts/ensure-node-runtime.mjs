// Provides what the Kubernetes node of the kube tests (test/kube, `kube up DIR --node`) runs on
// besides our own Go build: Debian's containerd, runc and CNI plugins (bridge, host-local, portmap,
// loopback), iproute2 (network namespace, veth pairs), iptables (kube-proxy), nsenter (util-linux)
// and gcc with the static libc (the pause container's binary), installed with apt-get when
// missing. Run directly, it prints containerd's path.
import { fileURLToPath } from "node:url";
import { ensureDebianPackages, run } from "./ensure-debian-packages.mjs";

const PACKAGES = [
  "containerd",
  "runc",
  "containernetworking-plugins",
  "iproute2",
  "iptables",
  "util-linux",
  "gcc",
  "libc6-dev",
];

/**
 * Installs whatever of the node's packages is missing and returns containerd's path.
 * @param {{ log?: (line: string) => void }} [options] where progress goes; default stderr
 * @returns {string}
 */
export function ensureNodeRuntime(options = {}) {
  ensureDebianPackages(PACKAGES, { purpose: "the Kubernetes node tests", ...options });
  const where = run("sh", ["-c", "command -v containerd"]);
  if (!where.ok) throw new Error("containerd is installed but not on PATH");
  return where.output;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureNodeRuntime());
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
