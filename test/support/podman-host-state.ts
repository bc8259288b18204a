/**
 * What rootful podman leaves on the host outside the sandbox directory, recorded before the first
 * container and undone afterwards (also for a crashed run, from the record kept in the sandbox):
 * mounts under the sandbox (storage, shm), the cgroups of the sandbox's own cgroup parent (every
 * v1 hierarchy and the v2 one), runc's state directory /run/runc, /run/netns, which podman
 * creates and bind-mounts onto itself for the slirp4netns namespaces, and the blob-info cache in
 * /var/lib/containers. Shared paths are put back as they were only when they are empty: another
 * user of them keeps them.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const CGROUP_ROOT = "/sys/fs/cgroup";
const RUNC_STATE = "/run/runc";
const NETNS_DIR = "/run/netns";
// containers/image keeps its blob-info cache here for root whatever --root says.
const CONTAINERS_DIR = "/var/lib/containers";
const BLOB_INFO_CACHE = join(CONTAINERS_DIR, "cache");
const RECORD_FILE = "host-state.json";

export interface HostRecord {
  /** The test process that owns the sandbox; a dead owner marks a crashed run. */
  readonly ownerPid: number;
  /** The cgroup parent every container of the sandbox is created under (`/name`). */
  readonly cgroupParent: string;
  readonly runcStateExisted: boolean;
  readonly netnsDirExisted: boolean;
  readonly netnsDirWasMounted: boolean;
  readonly containersDirExisted: boolean;
  readonly blobInfoCacheExisted: boolean;
}

/** Mount points as /proc/self/mountinfo lists them (octal escapes such as \040 decoded), in mount order. */
export function mountPoints(): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((path) => path !== "")
    .map((path) =>
      path.replace(/\\([0-7]{3})/g, (_, code: string) => String.fromCharCode(Number.parseInt(code, 8))),
    );
}

export function mountsUnder(dir: string): string[] {
  return mountPoints().filter((path) => path === dir || path.startsWith(`${dir}/`));
}

/** The cgroup parent's directory in every hierarchy where it exists. */
export function cgroupDirs(cgroupParent: string): string[] {
  if (!existsSync(CGROUP_ROOT)) return [];
  return readdirSync(CGROUP_ROOT)
    .map((hierarchy) => join(CGROUP_ROOT, hierarchy, cgroupParent))
    .filter((path) => existsSync(path));
}

/** Writes the record into the sandbox before podman runs anything. */
export function recordHostState(sandboxDir: string, cgroupParent: string): HostRecord {
  const record: HostRecord = {
    ownerPid: process.pid,
    cgroupParent,
    runcStateExisted: existsSync(RUNC_STATE),
    netnsDirExisted: existsSync(NETNS_DIR),
    netnsDirWasMounted: mountPoints().includes(NETNS_DIR),
    containersDirExisted: existsSync(CONTAINERS_DIR),
    blobInfoCacheExisted: existsSync(BLOB_INFO_CACHE),
  };
  writeFileSync(join(sandboxDir, RECORD_FILE), JSON.stringify(record));
  return record;
}

export function readHostRecord(sandboxDir: string): HostRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(sandboxDir, RECORD_FILE), "utf8")) as HostRecord;
  } catch {
    return undefined;
  }
}

/**
 * Unmounts `path`. -n: no utab update (which would leave /run/mount behind); -l would hide a busy
 * mount. A mount someone else took off meanwhile counts as done: a crashed sandbox's podman, or a
 * dying containerd-shim, may still be tearing down at the same moment.
 */
export function umount(path: string): void {
  const result = spawnSync("umount", ["-n", path], { encoding: "utf8" });
  if (result.status !== 0 && mountPoints().includes(path))
    throw new Error(`umount ${path} failed: ${result.stderr.trim()}`);
}

/** Unmounts everything mounted under `dir` (and `dir` itself), innermost first. */
export function unmountUnder(dir: string): void {
  for (const path of mountsUnder(dir).reverse()) umount(path);
}

/** rmdir, children first: a cgroup directory goes once it holds no process and no child. */
export function removeCgroupTree(path: string): void {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory()) removeCgroupTree(join(path, entry.name));
  }
  rmdirSync(path);
}

/** The pids of every process still in a cgroup under `cgroupParent`, in any hierarchy. */
export function cgroupProcesses(cgroupParent: string): number[] {
  const pids = new Set<number>();
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) visit(join(dir, entry.name));
    }
    const procs = readFileSync(join(dir, "cgroup.procs"), "utf8")
      .split("\n")
      .filter((line) => line !== "");
    for (const pid of procs) pids.add(Number(pid));
  };
  for (const dir of cgroupDirs(cgroupParent)) {
    try {
      visit(dir);
    } catch {
      // A cgroup removed while read holds no process.
    }
  }
  return [...pids];
}

export function isEmptyDir(path: string): boolean {
  return existsSync(path) && readdirSync(path).length === 0;
}

/**
 * Undoes what the record says podman changed, then removes the sandbox directory. Call it after
 * every container of the sandbox is gone (`podman rm -af`).
 */
export function restoreHostState(sandboxDir: string, record: HostRecord | undefined): void {
  unmountUnder(sandboxDir);
  if (record !== undefined) {
    for (const dir of cgroupDirs(record.cgroupParent)) removeCgroupTree(dir);
    if (!record.runcStateExisted && isEmptyDir(RUNC_STATE)) rmdirSync(RUNC_STATE);
    // Each `podman` may have bind-mounted it once more; a few rounds take them all off.
    for (let round = 0; round < 4; round += 1) {
      if (record.netnsDirWasMounted || !isEmptyDir(NETNS_DIR) || !mountPoints().includes(NETNS_DIR)) break;
      umount(NETNS_DIR);
    }
    if (!record.netnsDirExisted && isEmptyDir(NETNS_DIR)) rmdirSync(NETNS_DIR);
    if (!record.blobInfoCacheExisted) rmSync(BLOB_INFO_CACHE, { recursive: true, force: true });
    if (!record.containersDirExisted && isEmptyDir(CONTAINERS_DIR)) rmdirSync(CONTAINERS_DIR);
  }
  rmSync(sandboxDir, { recursive: true, force: true });
}
