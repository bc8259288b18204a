/**
 * Starting and stopping the node's processes. Each starts inside the node's network namespace
 * with `nsenter --net=…` (network only: they keep the host's mount namespace, which the kubelet
 * and containerd must share; `ip netns exec` would give each a private one), detached, its output
 * in a log file; nsenter execs the program, so the pid recorded is the program's own. Stopping
 * signals recorded pids only, after checking that the pid still runs the program recorded.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isProcessAlive, waitForExit } from "./process-liveness.ts";

export interface StartedProcess {
  readonly pid: number;
  /** Set once the process has exited (while this process watches it). */
  exit(): string | undefined;
}

/** Starts `argv` inside the namespace at `netnsPath`, output appended to `logFile`. */
export function startInNamespace(
  netnsPath: string,
  argv: readonly string[],
  logFile: string,
): StartedProcess {
  const log = openSync(logFile, "a");
  const child = spawn("nsenter", [`--net=${netnsPath}`, "--", ...argv], {
    detached: true,
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`kube node: cannot start ${argv[0]} (is nsenter installed?)`);
  let exit: string | undefined;
  child.on("exit", (code, signal) => {
    exit = `exit ${code ?? signal}`;
  });
  child.on("error", (error) => {
    exit = error.message;
  });
  child.unref();
  return { pid: child.pid, exit: () => exit };
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}

/** Whether `pid` runs `executable` (its argv[0]) right now. */
export function runsProgram(pid: number, executable: string): boolean {
  return isProcessAlive(pid) && commandLine(pid)[0] === executable;
}

/** SIGTERM, then SIGKILL after `graceMs`; only when `pid` still runs `executable`. */
export async function stopProcess(pid: number, executable: string, graceMs = 10_000): Promise<void> {
  if (!runsProgram(pid, executable)) return;
  process.kill(pid, "SIGTERM");
  if (await waitForExit(pid, graceMs)) return;
  process.kill(pid, "SIGKILL");
  if (!(await waitForExit(pid, 5_000)))
    throw new Error(`kube node: ${executable} (pid ${pid}) does not exit`);
}

function pidsIn(cgroupDir: string): number[] {
  if (!existsSync(cgroupDir)) return [];
  const own = readFileSync(join(cgroupDir, "cgroup.procs"), "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map(Number);
  const children = readdirSync(cgroupDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => pidsIn(join(cgroupDir, entry.name)));
  return [...own, ...children];
}

/**
 * Kills every process of the node's pods: all of them sit in the pids cgroup under the node's
 * cgroup parent, and nothing else does. Returns once they are gone.
 */
export async function killPodProcesses(cgroupRoot: string): Promise<void> {
  const dir = join("/sys/fs/cgroup/pids", cgroupRoot);
  // Killing a container's init lets the runtime reap the rest; a few rounds catch late forks.
  for (let round = 0; round < 20; round += 1) {
    const pids = pidsIn(dir);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
    await Promise.all(pids.map((pid) => waitForExit(pid, 2_000)));
  }
  throw new Error(`kube node: processes remain in ${dir}: ${pidsIn(dir).join(", ")}`);
}

/** The containerd-shim processes that serve the containerd listening on `socket` (and no other). */
export function shimPids(socket: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      const argv = commandLine(pid);
      const address = argv.indexOf("-address");
      return argv[0]?.includes("containerd-shim") === true && argv[address + 1] === socket;
    });
}

export async function killShims(socket: string): Promise<void> {
  const pids = shimPids(socket);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  const exited = await Promise.all(pids.map((pid) => waitForExit(pid, 5_000)));
  const left = pids.filter((_, index) => !exited[index]);
  if (left.length > 0) throw new Error(`kube node: containerd-shims do not exit: ${left.join(", ")}`);
}
