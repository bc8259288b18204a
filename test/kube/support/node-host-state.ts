/**
 * What the node changes on the host outside its own directory, recorded before the change and
 * undone at teardown, also after a crashed run: the record lives in a well-known place
 * (/run/grantpool-kube-node/<netns>.json; /run is emptied by a reboot, as are network
 * namespaces), so the next `up` or `down` finds what a dead run left.
 *
 * - kernel settings the kubelet sets (kernel.panic=10, kernel.panic_on_oops=1,
 *   vm.overcommit_memory=1, …): recorded once, before the first kubelet of any node, and put back
 *   when the last node is gone;
 * - the cgroup parent of the node's pods in every hierarchy;
 * - fixed places the components write to whatever they are told: /run/containerd/s
 *   (containerd-shim sockets in containerd 1.6), /var/lib/cni (libcni's cache),
 *   /var/lib/kubelet/device-plugins (the kubelet's device manager): what appeared there after the
 *   record is removed, and each directory if it was new (with two nodes side by side, the first
 *   down also takes the other's entries: they are sockets and caches, recreated on use);
 * - /run/netns, which `ip netns add` creates and mounts onto itself.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import {
  cgroupDirs,
  isEmptyDir,
  mountPoints,
  removeCgroupTree,
  umount,
} from "../../support/podman-host-state.ts";

export const REGISTRY = "/run/grantpool-kube-node";
const SYSCTLS_FILE = join(REGISTRY, "sysctls.json");
/** What the kubelet's setupKernelTunables sets (pkg/kubelet/cm/container_manager_linux.go). */
const KUBELET_SYSCTLS = [
  "vm/overcommit_memory",
  "vm/panic_on_oom",
  "kernel/panic",
  "kernel/panic_on_oops",
  "kernel/keys/root_maxkeys",
  "kernel/keys/root_maxbytes",
];
/** Written by containerd, libcni and the kubelet outside the directories they are given. */
const FIXED_PLACES = ["/run/containerd", "/var/lib/cni", "/var/lib/kubelet", "/usr/libexec/kubernetes"];
const NETNS_DIR = "/run/netns";

/** A fixed place as it was before the node: whether it existed, and every path under it. */
export interface PlaceRecord {
  readonly path: string;
  readonly existed: boolean;
  readonly entries: readonly string[];
}

export interface NodeProcess {
  readonly name: string;
  readonly pid: number;
  /** argv[0] it was started with: a pid reused by another program is never signalled. */
  readonly executable: string;
}

export interface NodeRecord {
  readonly dir: string;
  readonly slot: number;
  /** The process running `up`; while it lives, a node without an API server is still starting. */
  readonly starterPid: number;
  readonly containerdSocket: string;
  readonly cgroupRoot: string;
  readonly places: readonly PlaceRecord[];
  readonly netnsDirExisted: boolean;
  readonly netnsDirWasMounted: boolean;
  processes: NodeProcess[];
}

function listDir(path: string): string[] {
  return existsSync(path) ? readdirSync(path) : [];
}

/** Every path under `dir`, parents before children. */
function walk(dir: string): string[] {
  if (!existsSync(dir) || !lstatSync(dir).isDirectory()) return [];
  return readdirSync(dir).flatMap((name) => [join(dir, name), ...walk(join(dir, name))]);
}

export function recordPath(netns: string): string {
  return join(REGISTRY, `${netns}.json`);
}

/** What the host looks like before the node touches it. */
export function newNodeRecord(
  fields: Pick<NodeRecord, "dir" | "slot" | "containerdSocket" | "cgroupRoot">,
): NodeRecord {
  return {
    ...fields,
    starterPid: process.pid,
    places: FIXED_PLACES.map((path) => ({ path, existed: existsSync(path), entries: walk(path) })),
    netnsDirExisted: existsSync(NETNS_DIR),
    netnsDirWasMounted: mountPoints().includes(NETNS_DIR),
    processes: [],
  };
}

export function saveNodeRecord(netns: string, record: NodeRecord): void {
  mkdirSync(REGISTRY, { recursive: true, mode: 0o700 });
  writeFileSync(recordPath(netns), JSON.stringify(record, null, 2));
}

/** Every node record, by the namespace it names. */
export function nodeRecords(): Map<string, NodeRecord> {
  const records = new Map<string, NodeRecord>();
  for (const name of listDir(REGISTRY).filter((n) => n.endsWith(".json") && n !== "sysctls.json")) {
    try {
      records.set(name.slice(0, -".json".length), JSON.parse(readFileSync(join(REGISTRY, name), "utf8")));
    } catch {
      // A record cut short by a crash while it was written: nothing after it was started.
      rmSync(join(REGISTRY, name), { force: true });
    }
  }
  return records;
}

/** Records the kernel settings once, before the first kubelet of any node changes them. */
export function recordKernelSettings(): void {
  if (existsSync(SYSCTLS_FILE)) return;
  const values = Object.fromEntries(
    KUBELET_SYSCTLS.map((name) => [name, readFileSync(join("/proc/sys", name), "utf8").trim()]),
  );
  mkdirSync(REGISTRY, { recursive: true, mode: 0o700 });
  writeFileSync(SYSCTLS_FILE, JSON.stringify(values, null, 2));
}

/** The recorded kernel settings, or undefined when none are recorded. */
export function recordedKernelSettings(): Record<string, string> | undefined {
  if (!existsSync(SYSCTLS_FILE)) return undefined;
  return JSON.parse(readFileSync(SYSCTLS_FILE, "utf8")) as Record<string, string>;
}

export function createCgroupRoot(cgroupRoot: string): void {
  for (const hierarchy of listDir("/sys/fs/cgroup")) {
    if (hierarchy === "unified") continue; // cgroup v2 here holds hugetlb only; the kubelet ignores it
    mkdirSync(join("/sys/fs/cgroup", hierarchy, cgroupRoot), { recursive: true });
  }
}

export function removeCgroupRoot(cgroupRoot: string): void {
  for (const dir of cgroupDirs(cgroupRoot)) removeCgroupTree(dir);
}

/** Undoes the shared-path changes a node's record lists; call after its processes are gone. */
export function restoreSharedPaths(record: NodeRecord): void {
  for (const place of record.places) {
    const before = new Set(place.entries);
    // Children first, so that a new directory is empty by the time its turn comes.
    for (const path of walk(place.path).reverse()) {
      if (before.has(path)) continue;
      rmSync(path, { recursive: true, force: true });
    }
    if (!place.existed && isEmptyDir(place.path)) rmdirSync(place.path);
  }
  if (!record.netnsDirWasMounted && isEmptyDir(NETNS_DIR)) {
    // `ip netns add` bind-mounts /run/netns onto itself (more than once when racing).
    while (mountPoints().includes(NETNS_DIR)) umount(NETNS_DIR);
  }
  if (!record.netnsDirExisted && isEmptyDir(NETNS_DIR)) rmdirSync(NETNS_DIR);
}

/** Drops a node's record; the last one also puts the kernel settings back and removes the registry. */
export function forgetNode(netns: string): void {
  rmSync(recordPath(netns), { force: true });
  if (nodeRecords().size > 0) return;
  const settings = recordedKernelSettings();
  for (const [name, value] of Object.entries(settings ?? {})) {
    if (readFileSync(join("/proc/sys", name), "utf8").trim() !== value)
      writeFileSync(join("/proc/sys", name), value);
  }
  rmSync(SYSCTLS_FILE, { force: true });
  if (isEmptyDir(REGISTRY)) rmdirSync(REGISTRY);
}
