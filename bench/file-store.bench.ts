/**
 * The file store at scale: 10, 10,000 and 100,000 account files in a temporary data directory,
 * each size started in a child process of its own (fresh memory, its own CPU clock) the way the
 * proxy starts it (watch, then list). Per size: start to ready, CPU while idle, how long a file
 * changed, added or removed by someone else takes to reach the store's listener (and the CPU it
 * costs, which must not grow with the number of files), and the memory the store keeps per
 * account. The listener keeps nothing, so the memory is the store's own share. Then the whole
 * proxy on the 10 and 100,000 files (bench/support/proxy-footprint.ts): its start to ready and
 * its memory per account, store and pool together — the figures the scale goals name.
 * Runs in well under two minutes; removes its directories.
 */
import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Account } from "../src/accounts/account.ts";
import { silentLogger } from "../src/log/logger.ts";
import type { StoreEvent } from "../src/stores/account-store.ts";
import { encodeAccountFile } from "../src/stores/file/account-file-encoder.ts";
import { FileAccountStore } from "../src/stores/file/file-account-store.ts";
import { systemClock } from "../src/time/clock.ts";
import { liveAccounts, writeAccountFiles } from "./support/bench-accounts.ts";
import { recordBenchResults } from "./support/bench-report.ts";
import { measureProxyFootprint, type ProxyFootprint } from "./support/proxy-footprint.ts";

const SIZES = [10, 10_000, 100_000] as const;
const IDLE_MS = 3000;
const CHANGES = 5;
/** Longer than this, a change counts as lost. */
const CHANGE_DEADLINE_MS = 5000;

interface ChildReport {
  readonly count: number;
  readonly loaded: number;
  readonly readyMs: number;
  readonly idleCpuPercent: number;
  /** Median milliseconds from the write to the listener, and the CPU spent meanwhile. */
  readonly changeMs: number;
  readonly changeCpuMs: number;
  readonly addMs: number;
  readonly removeMs: number;
  readonly heapUsed: number;
  readonly rss: number;
}

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** In the child: start the store over `dataDir`, then measure. Prints one JSON line. */
async function measure(dataDir: string, count: number): Promise<void> {
  const started = performance.now();
  const store = new FileAccountStore({ dataDir, log: silentLogger, clock: systemClock });
  let waiter: { readonly matches: (event: StoreEvent) => boolean; readonly done: () => void } | undefined;
  const stop = store.watch((event) => {
    if (waiter?.matches(event)) waiter.done();
  });
  const loaded = (await store.list()).length;
  const readyMs = performance.now() - started;

  await delay(500); // let the start's garbage be collected before the idle window
  const idleCpu = cpuMs();
  const idleWall = performance.now();
  await delay(IDLE_MS);
  const idleCpuPercent = ((cpuMs() - idleCpu) / (performance.now() - idleWall)) * 100;

  const accountsDir = path.join(dataDir, "accounts");
  /** Runs `act`, then waits for the event `matches` accepts; wall and CPU milliseconds. */
  const timed = async (act: () => void, matches: (event: StoreEvent) => boolean) => {
    const cpu = cpuMs();
    const wall = performance.now();
    const arrived = new Promise<void>((resolve) => {
      waiter = { matches, done: resolve };
    });
    act();
    const lost = await Promise.race([arrived.then(() => false), delay(CHANGE_DEADLINE_MS).then(() => true)]);
    waiter = undefined;
    return { ms: lost ? Number.POSITIVE_INFINITY : performance.now() - wall, cpuMs: cpuMs() - cpu };
  };
  const accounts = liveAccounts(count);
  const changes: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const account = accounts[(i * 7919) % count] as Account;
    const edited = { ...account, lastUsed: 1_000 + i };
    changes.push(
      await timed(
        () => writeFileSync(path.join(accountsDir, `${account.id}.json`), encodeAccountFile(edited)),
        (event) => event.type === "upsert" && event.account.lastUsed === edited.lastUsed,
      ),
    );
    await delay(50);
  }
  const added = { ...(accounts[0] as Account), id: "bench-added", email: "added@example.com" };
  const addFile = path.join(accountsDir, `${added.id}.json`);
  const add = await timed(
    () => writeFileSync(addFile, encodeAccountFile(added)),
    (event) => event.type === "upsert" && event.account.id === added.id,
  );
  const remove = await timed(
    () => unlinkSync(addFile),
    (event) => event.type === "remove" && event.id === added.id,
  );

  stop();
  Bun.gc(true);
  const { heapUsed, rss } = process.memoryUsage();
  const report: ChildReport = {
    count,
    loaded,
    readyMs,
    idleCpuPercent,
    changeMs: median(changes.map((change) => change.ms)),
    changeCpuMs: median(changes.map((change) => change.cpuMs)),
    addMs: add.ms,
    removeMs: remove.ms,
    heapUsed,
    rss,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  await store.close();
}

function accountDataDir(count: number): string {
  const dataDir = path.join(os.tmpdir(), `grantpool-file-bench-${process.pid}-${count}`);
  writeAccountFiles(dataDir, count);
  return dataDir;
}

function runChild(dataDir: string, count: number): ChildReport {
  const child = Bun.spawnSync([process.execPath, import.meta.path, "--child", dataDir, String(count)]);
  if (child.exitCode !== 0) throw new Error(`bench child failed: ${child.stderr.toString()}`);
  return JSON.parse(child.stdout.toString()) as ChildReport;
}

const ms = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : "lost");

function printTable(reports: readonly ChildReport[]): void {
  const small = reports[0] as ChildReport;
  const perAccount = (report: ChildReport, key: "heapUsed" | "rss"): string =>
    report === small ? "" : `${((report[key] - small[key]) / (report.count - small.count)).toFixed(0)} B`;
  const rows: [string, (report: ChildReport) => string, string][] = [
    ["accounts loaded", (r) => String(r.loaded), "all of them"],
    ["start to ready", (r) => ms(r.readyMs), "≤ 5 s at 100k"],
    ["idle CPU (% of a core)", (r) => `${r.idleCpuPercent.toFixed(2)}%`, "< 1% at 10k"],
    [`changed file → listener (median of ${CHANGES})`, (r) => ms(r.changeMs), "≤ 1 s"],
    ["CPU per change (median)", (r) => `${r.changeCpuMs.toFixed(1)} ms`, "flat in N"],
    ["added file → listener", (r) => ms(r.addMs), "≤ 1 s"],
    ["removed file → listener", (r) => ms(r.removeMs), "≤ 1 s"],
    ["store heap per account (vs 10)", (r) => perAccount(r, "heapUsed"), ""],
    ["RSS per account (vs 10)", (r) => perAccount(r, "rss"), "(the store alone)"],
  ];
  const width = 44;
  console.log(`file store, ${os.cpus().length} cores, one child process per size`);
  console.log(
    `${"".padEnd(width)}${reports.map((r) => r.count.toLocaleString("en").padStart(12)).join("")}  goal`,
  );
  for (const [label, cell, goal] of rows)
    console.log(`${label.padEnd(width)}${reports.map((r) => cell(r).padStart(12)).join("")}  ${goal}`);
}

/** The whole proxy on the smallest and the largest set of files. */
const PROXY_SIZES: ReadonlySet<number> = new Set<number>([10, 100_000]);

function printProxyTable(footprints: readonly ProxyFootprint[]): void {
  const [small, large] = footprints;
  if (small === undefined || large === undefined) return;
  const perAccount = (large.rss - small.rss) / (large.count - small.count);
  console.log("\nthe whole proxy (grantpool proxy, default settings) on the same files");
  console.log(
    `  start to ready    ${footprints.map((f) => `${f.count.toLocaleString("en")}: ${ms(f.readyMs)}`).join(", ")}  (goal ≤ 5 s at 100k)`,
  );
  console.log(
    `  RSS               ${footprints.map((f) => `${f.count.toLocaleString("en")}: ${(f.rss / 2 ** 20).toFixed(0)} MiB`).join(", ")}`,
  );
  console.log(`  RSS per account   ${perAccount.toFixed(0)} B, store and pool  (goal ≤ 2 KB)`);
}

async function main(): Promise<void> {
  const reports: ChildReport[] = [];
  const footprints: ProxyFootprint[] = [];
  for (const count of SIZES) {
    const dataDir = accountDataDir(count);
    try {
      reports.push(runChild(dataDir, count));
      if (PROXY_SIZES.has(count)) footprints.push(await measureProxyFootprint(dataDir, count));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  printTable(reports);
  printProxyTable(footprints);
  const file = recordBenchResults("fileStore", { cores: os.cpus().length, reports, proxy: footprints });
  console.log(`raw figures: ${file} (section "fileStore")`);
}

if (process.argv[2] === "--child") await measure(process.argv[3] as string, Number(process.argv[4]));
else await main();
