/**
 * The benches' shared JSON report, bench/results/latest.json (not committed): each bench records
 * its raw figures under a section of its own with `recordBenchResults`, which merges them into
 * whatever the file already holds. The file names the machine (core count, CPU model) and the
 * commit; each section repeats the commit and when it was recorded, since sections of different
 * runs may sit side by side.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { dirname, join } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");
export const RESULTS_FILE = join(ROOT, "bench", "results", "latest.json");

export interface BenchSection {
  readonly commit: string;
  /** Tracked files differed from the commit when the section was recorded. */
  readonly dirty: boolean;
  readonly recordedAt: string;
  readonly cores: number;
  /** One, five and fifteen minute load averages when recorded: was the machine busy? */
  readonly loadAverage: readonly number[];
  readonly data: unknown;
}

export interface BenchReport {
  commit: string;
  cores: number;
  cpuModel: string;
  updatedAt: string;
  sections: Record<string, BenchSection>;
}

function git(args: readonly string[]): string | undefined {
  const run = spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

function readReport(): Partial<BenchReport> {
  try {
    return JSON.parse(readFileSync(RESULTS_FILE, "utf8")) as Partial<BenchReport>;
  } catch {
    return {}; // none yet, or unreadable: start again
  }
}

/** Merges `data` into the report as section `section`; returns the report's path. */
export function recordBenchResults(section: string, data: unknown): string {
  const commit = git(["rev-parse", "HEAD"]) ?? "unknown";
  const now = new Date().toISOString();
  const cores = os.cpus().length;
  const previous = readReport();
  const report: BenchReport = {
    commit,
    cores,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    updatedAt: now,
    sections: {
      ...(previous.sections ?? {}),
      [section]: {
        commit,
        dirty: (git(["status", "--porcelain", "--untracked-files=no"]) ?? "") !== "",
        recordedAt: now,
        cores,
        loadAverage: os.loadavg(),
        data,
      },
    },
  };
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  // Written aside and renamed: a reader never sees half a report.
  const partial = `${RESULTS_FILE}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(partial, RESULTS_FILE);
  return RESULTS_FILE;
}
