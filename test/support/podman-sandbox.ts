/**
 * Podman (Debian's, with runc) for the image tests, in a sandbox of its own: storage, run state,
 * temporary files, network configuration and events all live in one temporary directory, removed
 * by `close`, with whatever podman put elsewhere on the host (podman-host-state.ts). A sandbox a
 * crashed run left behind is cleaned when the next one opens.
 *
 * The settings follow this machine's facts: crun refuses its hybrid cgroups, so runc; without
 * CAP_SYS_RESOURCE podman must be given ulimits it can set. Containers default to slirp4netns and
 * the CNI plugin directory is an empty one: podman's bridge (cni-podman0, 10.88.0.1) would put a
 * private address on the host, so a container that asked for it fails instead.
 */
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ensurePodman } from "../../scripts/ensure-podman.mjs";
import { collectOutput } from "./collect-output.ts";
import {
  cgroupProcesses,
  type HostRecord,
  readHostRecord,
  recordHostState,
  restoreHostState,
} from "./podman-host-state.ts";
import { waitFor } from "./wait-for.ts";

const SANDBOX_PREFIX = "grantpool-podman-";
const DEFAULT_TIMEOUT_MS = 30_000;
const RECORDLESS_GRACE_MS = 60_000;

export interface PodmanRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface PodmanSandbox {
  readonly dir: string;
  /** The cgroup parent of every container (`/grantpool-podman-…`). */
  readonly cgroupParent: string;
  /** The host as it was when the sandbox opened, which `close` restores. */
  readonly hostRecord: HostRecord;
  /** Runs `podman <args>` against the sandbox; killed after `timeoutMs` (default 30 s). */
  podman(args: readonly string[], timeoutMs?: number): Promise<PodmanRun>;
  /** `podman run --pull never <args>` under the sandbox's cgroup parent; `close` removes what it left. */
  run(args: readonly string[], timeoutMs?: number): Promise<PodmanRun>;
  /** `podman rm --force --time 0 <id>` (killed at once); fails when podman cannot remove it. */
  remove(id: string): Promise<void>;
  /** Removes every container, undoes podman's traces on the host, deletes the directory. Idempotent. */
  close(): Promise<void>;
}

type SandboxEnv = Record<"PATH" | "HOME" | "TMPDIR" | "CONTAINERS_CONF" | "CONTAINERS_STORAGE_CONF", string>;

function sandboxEnv(dir: string): SandboxEnv {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    TMPDIR: join(dir, "tmp"),
    CONTAINERS_CONF: join(dir, "containers.conf"),
    CONTAINERS_STORAGE_CONF: join(dir, "storage.conf"),
  };
}

function writeSettings(dir: string): SandboxEnv {
  const env = sandboxEnv(dir);
  for (const sub of ["root", "run", "tmp", "net", "no-cni-plugins"]) mkdirSync(join(dir, sub));
  writeFileSync(
    env.CONTAINERS_CONF,
    [
      "[containers]",
      'default_ulimits = ["nofile=20000:20000", "nproc=20000:20000"]',
      'netns = "slirp4netns"',
      "[network]",
      `network_config_dir = "${join(dir, "net")}"`,
      `cni_plugin_dirs = ["${join(dir, "no-cni-plugins")}"]`,
      "[engine]",
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `tmp_dir = "${join(dir, "tmp")}"`,
      `image_copy_tmp_dir = "${join(dir, "tmp")}"`,
      "",
    ].join("\n"),
  );
  writeFileSync(
    env.CONTAINERS_STORAGE_CONF,
    [
      "[storage]",
      'driver = "overlay"',
      `graphroot = "${join(dir, "root")}"`,
      `runroot = "${join(dir, "run")}"`,
      "",
    ].join("\n"),
  );
  return env;
}

/** `podman` with the sandbox's storage named on the command line too (conmon's cleanup call inherits it). */
async function runPodman(dir: string, env: SandboxEnv, args: readonly string[], timeoutMs: number) {
  const storage = ["--root", join(dir, "root"), "--runroot", join(dir, "run"), "--tmpdir", join(dir, "tmp")];
  const child = Bun.spawn(["podman", ...storage, ...args], {
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const { code, stdout, stderr, timedOut } = await collectOutput(child, timeoutMs);
  if (timedOut) throw new Error(`podman ${args.join(" ")} took longer than ${timeoutMs} ms:\n${stderr}`);
  return { code, stdout, stderr };
}

function ownerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A sandbox without its record yet may be one that another process is opening right now. */
function isRecent(dir: string): boolean {
  try {
    return Date.now() - statSync(dir).mtimeMs < RECORDLESS_GRACE_MS;
  } catch {
    return true; // already gone
  }
}

/**
 * Stops, by pid, what is left in the sandbox's cgroups after `podman rm` (a conmon on its way out
 * outlives it by a moment), and waits until they are empty: a cgroup that holds a process cannot
 * be removed.
 */
async function emptySandboxCgroups(record: HostRecord | undefined): Promise<void> {
  if (record === undefined) return;
  for (const pid of cgroupProcesses(record.cgroupParent)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
  await waitFor(() => cgroupProcesses(record.cgroupParent).length === 0, {
    timeoutMs: 10_000,
    message: () => `the processes left in ${record.cgroupParent} to exit`,
  });
}

/** Removes the containers and traces of sandboxes whose test process died. */
async function cleanCrashedSandboxes(): Promise<void> {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(SANDBOX_PREFIX))) {
    const dir = join(tmpdir(), name);
    const record = readHostRecord(dir);
    if (record !== undefined ? ownerAlive(record.ownerPid) : isRecent(dir)) continue;
    // Stops what still runs (conmon, the containers); fails harmlessly when nothing was started.
    await runPodman(
      dir,
      sandboxEnv(dir),
      ["rm", "--all", "--force", "--time", "0"],
      DEFAULT_TIMEOUT_MS,
    ).catch(() => undefined);
    await emptySandboxCgroups(record);
    restoreHostState(dir, record);
  }
}

/** Installs podman when missing (scripts/ensure-podman.mjs) and opens a fresh sandbox. */
export async function openPodmanSandbox(): Promise<PodmanSandbox> {
  ensurePodman();
  await cleanCrashedSandboxes();
  const dir = mkdtempSync(join(tmpdir(), SANDBOX_PREFIX));
  const cgroupParent = `/${basename(dir)}`;
  const env = writeSettings(dir);
  const record = recordHostState(dir, cgroupParent);
  let closed = false;

  const podman = (args: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS) =>
    runPodman(dir, env, args, timeoutMs);
  return {
    dir,
    cgroupParent,
    hostRecord: record,
    podman,
    run: (args, timeoutMs) =>
      podman(["run", "--pull", "never", "--cgroup-parent", cgroupParent, ...args], timeoutMs),
    async remove(id) {
      const result = await podman(["rm", "--force", "--time", "0", id]);
      if (result.code !== 0) throw new Error(`podman rm --force ${id} failed: ${result.stderr}`);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await podman(["rm", "--all", "--force", "--time", "0"]);
      } finally {
        await emptySandboxCgroups(record);
        restoreHostState(dir, record);
      }
    },
  };
}
