/**
 * What node mode needs from the machine, checked before anything is changed so that a missing
 * piece fails with a message naming it (the node tests are never skipped for it): root with
 * CAP_NET_ADMIN and CAP_SYS_ADMIN (network namespaces, veth pairs, mounts, cgroups), the cgroup v1
 * hierarchies the kubelet uses, and the programs (scripts/ensure-node-runtime.mjs installs them).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const CAPABILITIES: Readonly<Record<string, number>> = { CAP_NET_ADMIN: 12, CAP_SYS_ADMIN: 21 };
const PROGRAMS = ["ip", "nsenter", "iptables", "containerd", "containerd-shim-runc-v2", "ctr", "runc", "tar"];
const CNI_PLUGINS = ["bridge", "host-local", "portmap", "loopback"];
const CGROUPS = ["cpu", "cpuacct", "cpuset", "memory", "pids"];

function effectiveCapabilities(): bigint {
  const line = readFileSync("/proc/self/status", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("CapEff:"));
  return BigInt(`0x${line?.split(/\s+/)[1] ?? "0"}`);
}

function onPath(program: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${program}`]).status === 0;
}

/** The missing pieces, each named as a person would install or grant it; empty when all is there. */
export function missingNodeRequirements(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push("root (the node creates network namespaces and cgroups)");
  const capabilities = effectiveCapabilities();
  for (const [name, bit] of Object.entries(CAPABILITIES)) {
    if ((capabilities & (1n << BigInt(bit))) === 0n) missing.push(`capability ${name}`);
  }
  for (const program of PROGRAMS.filter((name) => !onPath(name))) missing.push(`program ${program}`);
  for (const plugin of CNI_PLUGINS.filter((name) => !existsSync(join("/usr/lib/cni", name)))) {
    missing.push(`CNI plugin /usr/lib/cni/${plugin} (containernetworking-plugins)`);
  }
  for (const hierarchy of CGROUPS.filter(
    (name) => !existsSync(join("/sys/fs/cgroup", name, "cgroup.procs")),
  )) {
    missing.push(`cgroup v1 hierarchy /sys/fs/cgroup/${hierarchy}`);
  }
  return missing;
}

export function checkNodeRequirements(): void {
  const missing = missingNodeRequirements();
  if (missing.length > 0) throw new Error(`kube node: this machine lacks ${missing.join(", ")}`);
}
