/**
 * What a node could leave behind on the host, as one comparable value: links and their
 * addresses, routes, network namespaces, iptables rules, mounts, cgroups, the kernel settings the
 * kubelet changes, the fixed places containerd, libcni and the kubelet write to, and the node's
 * programs still running. Two snapshots taken around a node's life must be equal.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { mountPoints } from "../../support/podman-host-state.ts";

const SYSCTLS = [
  "vm/overcommit_memory",
  "vm/panic_on_oom",
  "kernel/panic",
  "kernel/panic_on_oops",
  "kernel/keys/root_maxkeys",
  "kernel/keys/root_maxbytes",
];
const PLACES = [
  "/run/containerd",
  "/var/lib/cni",
  "/var/lib/kubelet",
  "/usr/libexec/kubernetes",
  "/run/netns",
];
const PROGRAMS = /(^|\/)(containerd|containerd-shim-runc-v2|kube-node|kube-testenv|pause)$/;

function run(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? [path, ...walk(path)] : [path];
  });
}

function runningPrograms(): string[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const argv0 = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] ?? "";
        return PROGRAMS.test(argv0) ? [`${pid} ${argv0}`] : [];
      } catch {
        return [];
      }
    })
    .sort();
}

export interface HostSnapshot {
  readonly addresses: string;
  readonly routes: string;
  readonly netns: string;
  readonly iptables: string[];
  readonly mounts: string[];
  readonly cgroups: string[];
  readonly sysctls: Record<string, string>;
  readonly places: Record<string, string[] | "absent">;
  readonly programs: string[];
}

export function hostSnapshot(): HostSnapshot {
  return {
    addresses: run("ip", ["-br", "addr"]),
    routes: run("ip", ["route"]),
    netns: run("ip", ["netns", "list"]),
    // Rules without their packet counters.
    iptables: run("iptables-save", [])
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"))
      .map((line) => line.replace(/\[\d+:\d+\]/, "")),
    mounts: mountPoints().sort(),
    cgroups: readdirSync("/sys/fs/cgroup").flatMap((hierarchy) =>
      existsSync(join("/sys/fs/cgroup", hierarchy, "cgroup.procs"))
        ? readdirSync(join("/sys/fs/cgroup", hierarchy)).filter((name) => name.startsWith("grantpool-node-"))
        : [],
    ),
    sysctls: Object.fromEntries(
      SYSCTLS.map((name) => [name, readFileSync(join("/proc/sys", name), "utf8").trim()]),
    ),
    places: Object.fromEntries(PLACES.map((path) => [path, existsSync(path) ? walk(path).sort() : "absent"])),
    programs: runningPrograms(),
  };
}
