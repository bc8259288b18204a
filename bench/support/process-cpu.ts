/**
 * Another process's CPU time, read from /proc/<pid>/stat (user + system, every thread), so that a
 * bench can charge a server for exactly the work it did. Linux only; the resolution is a clock
 * tick (10 ms at the usual 100 Hz), so measure over many requests.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const getconf = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
    const value = Number(getconf.stdout.trim());
    ticksPerSecond = getconf.status === 0 && value > 0 ? value : 100;
  }
  return ticksPerSecond;
}

/** CPU milliseconds process `pid` has used so far. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 (utime) and 15 (stime) of proc(5); this list starts at field 3.
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`Cannot read the CPU time of process ${pid} from ${stat}`);
  return (ticks * 1000) / clockTicks();
}

/** CPU milliseconds this process and its reaped children (wrk runs, the build) have used. */
export function ownCpuMs(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14–17 of proc(5): utime, stime, cutime, cstime.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return (ticks * 1000) / clockTicks();
}

export interface MachineCpu {
  readonly busyMs: number;
  readonly stealMs: number;
  readonly totalMs: number;
}

/** The whole machine's CPU so far, every core summed: busy, stolen and total milliseconds. */
export function machineCpuMs(): MachineCpu {
  return machineCpuOf(readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "", clockTicks());
}

/**
 * The aggregate `cpu` line of /proc/stat in milliseconds. Stolen time is neither busy nor idle
 * here: it is counted apart, since no process of this machine used it.
 */
export function machineCpuOf(line: string, ticksPerSecond: number): MachineCpu {
  // cpu user nice system idle iowait irq softirq steal …
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0);
  const total = busy + (steal ?? 0) + (idle ?? 0) + (iowait ?? 0);
  const ms = (ticks: number): number => (ticks * 1000) / ticksPerSecond;
  return { busyMs: ms(busy), stealMs: ms(steal ?? 0), totalMs: ms(total) };
}

/** What else took the machine's CPU while a bench measured, as shares (0–1) of all of it. */
export interface OtherCpu {
  /** Every process but this one, its children and the watched ones. */
  readonly others: number;
  /**
   * Time the hypervisor gave this virtual machine's cores to someone else (`steal` in
   * /proc/stat): on a shared host the bench's processes wait for a core they were promised.
   */
  readonly steal: number;
}

/**
 * Starts watching the machine: the function returned gives the shares of the machine's CPU that
 * everything but this process, its children and `pids` used since, and that the hypervisor took —
 * a bench's answer to "was the machine busy?".
 */
export function watchOtherCpu(pids: readonly number[]): () => OtherCpu {
  const ours = (): number => ownCpuMs() + pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
  const machineBefore = machineCpuMs();
  const oursBefore = ours();
  return () => {
    const machine = machineCpuMs();
    const total = machine.totalMs - machineBefore.totalMs;
    const others = machine.busyMs - machineBefore.busyMs - (ours() - oursBefore);
    return {
      others: Math.max(0, others) / total,
      steal: (machine.stealMs - machineBefore.stealMs) / total,
    };
  };
}
