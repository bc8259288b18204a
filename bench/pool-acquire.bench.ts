/**
 * What choosing an account costs per request, for every strategy, at 1,000, 10,000 and 100,000
 * accounts, with a pool that is partly out of service (disabled, proxy-disabled, cooling down for
 * the whole account and for the requested model). Each figure is the median of timed batches in
 * this process, timed in CPU time (so other load on the machine does not count); the ratios
 * against the 1,000-account pool show whether the cost grows with the pool. A baseline (an
 * awaited Map lookup, the least any pool could do) is measured beside them. Then the pool's memory
 * per account: heap and RSS of a child process holding 10 and 100,000 accounts; between them, what
 * accounts joining and leaving a pool of 100,000 cost (bench/support/pool-churn.ts).
 * No absolute thresholds: machines differ, ratios travel. Raw figures go to
 * bench/results/latest.json (section "pool").
 */

import { gcAndSweep } from "bun:jsc";
import type { Account } from "../src/accounts/account.ts";
import type { QuotaPolicy } from "../src/accounts/quota.ts";
import { silentLogger } from "../src/log/logger.ts";
import { AccountPool } from "../src/pool/account-pool.ts";
import { AvailabilityIndex } from "../src/pool/availability/availability-index.ts";
import { createEntry, type PoolEntry } from "../src/pool/pool-entry.ts";
import { createFixedStrategy } from "../src/pool/strategies/fixed.ts";
import { createRoundRobinStrategy } from "../src/pool/strategies/round-robin.ts";
import type { SelectionStrategy } from "../src/pool/strategies/selection-strategy.ts";
import { createStickyStrategy, DEFAULT_MAX_SESSIONS } from "../src/pool/strategies/sticky.ts";
import { MemoryAccountStore } from "../src/stores/memory-account-store.ts";
import { systemClock } from "../src/time/clock.ts";
import { liveAccounts, UNUSED_OAUTH } from "./support/bench-accounts.ts";
import { recordBenchResults } from "./support/bench-report.ts";
import { measureChurn } from "./support/pool-churn.ts";

const SIZES = [1_000, 10_000, 100_000] as const;
const MODEL = "gemini-2.5-pro";
const HOUR_MS = 3_600_000;
const NO_EXCLUDE: ReadonlySet<string> = new Set();
/** Timed batches per figure; the median batch is reported. */
const BATCHES = 21;
const BATCH_MS = 10;

/**
 * One account in ten disabled, one in ten proxy-disabled, one in five cooling down (whole account)
 * and one in ten cooling down for MODEL only: half the pool can serve a request for MODEL.
 */
function mixedAccounts(count: number): Account[] {
  return liveAccounts(count).map((account, i) => {
    if (i % 10 === 1) return { ...account, disabled: true, disabledReason: "invalid_grant: bench" };
    if (i % 10 === 2) return { ...account, proxyDisabled: true, proxyDisabledReason: "bench" };
    return account;
  });
}

async function mixedPool(count: number, strategy: (resolve: Resolve) => SelectionStrategy) {
  const pool: AccountPool = new AccountPool({
    store: new MemoryAccountStore({ accounts: mixedAccounts(count) }),
    oauth: UNUSED_OAUTH,
    clock: systemClock,
    log: silentLogger,
    strategy: strategy((idOrEmail) => pool.resolve(idOrEmail)),
    refreshSkewSeconds: 300,
  });
  await pool.start();
  for (const member of pool.view()) {
    const i = Number(member.account.id.slice(3));
    if (i % 10 === 3 || i % 10 === 4) {
      await pool.report(member.account.id, { kind: "rate_limited", retryAfterMs: HOUR_MS, message: "bench" });
    } else if (i % 10 === 5) {
      await pool.report(member.account.id, {
        kind: "rate_limited",
        retryAfterMs: HOUR_MS,
        model: MODEL,
        message: "bench",
      });
    }
  }
  return pool;
}

/** CPU time of this process in ms: other load on the machine does not count against the pool. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs `count` calls, numbered from `start`. */
type Batch = (count: number, start: number) => Promise<void> | void;

/** Median CPU ns per call over BATCHES batches of about BATCH_MS each. */
async function medianNs(batch: Batch): Promise<number> {
  let i = 0;
  // Collect and sweep now: a pool the last figure dropped would otherwise be swept, a block at a
  // time, by the allocations of this one.
  gcAndSweep();
  const warmUntil = cpuMs() + 300;
  while (cpuMs() < warmUntil) {
    await batch(100, i);
    i += 100;
  }
  let perBatch = 1;
  for (;;) {
    const start = cpuMs();
    await batch(perBatch, i);
    i += perBatch;
    if (cpuMs() - start >= BATCH_MS || perBatch >= 1 << 20) break;
    perBatch *= 2;
  }
  const samples: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const start = cpuMs();
    await batch(perBatch, i);
    i += perBatch;
    samples.push(((cpuMs() - start) * 1e6) / perBatch);
  }
  samples.sort((x, y) => x - y);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

const awaitedCalls =
  (op: (i: number) => Promise<unknown>): Batch =>
  async (count, start) => {
    for (let n = 0; n < count; n++) await op(start + n);
  };

const syncCalls =
  (op: (i: number) => unknown): Batch =>
  (count, start) => {
    for (let n = 0; n < count; n++) op(start + n);
  };

/** Elements of the random-read baseline's array: 32 MB, more than the 100,000-account ring. */
const CHASE_ELEMENTS = 1 << 23;

/**
 * What one memory access at a random place costs on this machine: a chain of reads through a
 * 32 MB array, each at the place the last one read (a random cycle, so no read can start before
 * the one before it ends). Choices at 100,000 accounts that are memory latency (a new sticky
 * session: a random place in a 25 MB ring and in the session table) read best as a count of these,
 * which travels between machines (and between days of a shared one) where nanoseconds do not.
 */
async function randomReadNs(): Promise<number> {
  const next = new Uint32Array(CHASE_ELEMENTS);
  for (let i = 0; i < CHASE_ELEMENTS; i++) next[i] = i;
  // Sattolo's shuffle: one cycle through every element.
  for (let i = CHASE_ELEMENTS - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * i);
    const held = next[i] ?? 0;
    next[i] = next[j] ?? 0;
    next[j] = held;
  }
  let at = 0;
  const ns = await medianNs(
    syncCalls(() => {
      at = next[at] ?? 0;
    }),
  );
  if (at < 0) console.log(at); // keeps the chain alive
  return ns;
}

/** MODEL's quota group, and the policy the quota cases protect it with. */
const QUOTA_POLICY: QuotaPolicy = { thresholdPercent: 10, groups: ["gemini-3-pro-high"] };
const RESET_TIME = new Date(Date.now() + HOUR_MS).toISOString();

/**
 * The quota cases' accounts: each with a quota for MODEL's group spread evenly over 0–100% (so
 * about one in ten is protected and every tier holds some), on top of mixedAccounts' mix.
 */
function withQuota(accounts: Account[]): Account[] {
  return accounts.map((account, i) => ({
    ...account,
    quota: {
      models: [{ name: "gemini-3-pro-high", percentage: (i * 7) % 101, resetTime: RESET_TIME }],
      isForbidden: false,
    },
  }));
}

/**
 * The same mix as mixedPool, as entries reporting to a bare availability index (no pool around it);
 * with `quota`, each account has a quota and protection is on, and with `tiers` (by default
 * `quota`) the index keeps quota tiers for quota preference.
 */
function mixedIndex(count: number, quota = false, tiers = quota): AvailabilityIndex {
  const index = new AvailabilityIndex(systemClock, { quotaTiers: tiers });
  const until = Date.now() + HOUR_MS;
  const onChange = (changed: PoolEntry) => index.changed(changed);
  const context = quota ? { onChange, quotaPolicy: QUOTA_POLICY } : { onChange };
  const accounts = mixedAccounts(count);
  (quota ? withQuota(accounts) : accounts).forEach((account, i) => {
    const entry = createEntry(account, context);
    index.add(entry);
    if (i % 10 === 3 || i % 10 === 4) entry.health.block({ until, reason: "rate_limited" });
    else if (i % 10 === 5) entry.health.block({ until, reason: "rate_limited" }, MODEL);
  });
  return index;
}

/** Resolves a preferred account (id or email) to its id, as the pool does for `fixed`. */
type Resolve = (idOrEmail: string) => string | undefined;

interface Case {
  readonly name: string;
  readonly strategy: (resolve: Resolve) => SelectionStrategy;
  readonly request: (i: number) => { sessionKey?: string };
  /** Quota on every account, protection on, and quota preference (choice table only). */
  readonly quota?: boolean;
}

/**
 * More keys than the sticky strategy keeps bindings for (DEFAULT_MAX_SESSIONS), made before the
 * clock starts: each call is a session the strategy does not know, and making the key is the client's cost.
 */
const NEW_SESSION_KEYS = Array.from({ length: 2 * DEFAULT_MAX_SESSIONS + 1 }, (_, i) => `new-${i}`);

const sticky = () => createStickyStrategy({ clock: systemClock, idleMs: HOUR_MS });
/** id-000 serves; id-003 cools down (see mixedAccounts). */
const fixedOn = (id: string) => (resolve: Resolve) => createFixedStrategy(() => resolve(id));

const CASES: readonly Case[] = [
  { name: "round-robin", strategy: createRoundRobinStrategy, request: () => ({}) },
  {
    name: "sticky, 1,000 bound sessions",
    strategy: sticky,
    request: (i) => ({ sessionKey: `s-${i % 1000}` }),
  },
  {
    name: "sticky, a new session each call",
    strategy: sticky,
    request: (i) => ({ sessionKey: NEW_SESSION_KEYS[i % NEW_SESSION_KEYS.length] ?? "" }),
  },
  { name: "sticky, no session key", strategy: sticky, request: () => ({}) },
  { name: "fixed, preferred serves", strategy: fixedOn("id-000"), request: () => ({}) },
  { name: "fixed, preferred cools down", strategy: fixedOn("id-003"), request: () => ({}) },
];

/** The choice with quota protection and quota preference on (--quota-preference). */
const QUOTA_CASES: readonly Case[] = [
  {
    name: "quota preference, round-robin",
    strategy: createRoundRobinStrategy,
    request: () => ({}),
    quota: true,
  },
  {
    name: "quota preference, sticky bound",
    strategy: sticky,
    request: (i) => ({ sessionKey: `s-${i % 1000}` }),
    quota: true,
  },
  {
    name: "quota preference, sticky new",
    strategy: sticky,
    request: (i) => ({ sessionKey: NEW_SESSION_KEYS[i % NEW_SESSION_KEYS.length] ?? "" }),
    quota: true,
  },
  { name: "quota preference, fixed", strategy: fixedOn("id-000"), request: () => ({}), quota: true },
];

function printRow(name: string, figures: readonly number[]): void {
  const [first = Number.NaN] = figures;
  const cells = figures.map((ns) => ns.toFixed(0).padStart(12)).join("");
  const ratios = figures
    .slice(1)
    .map((ns) => `${(ns / first).toFixed(2)}×`.padStart(9))
    .join("");
  console.log(`${name.padEnd(34)}${cells}${ratios}`);
}

function printHeader(title: string): void {
  const header = SIZES.map((n) => `${(n / 1000).toFixed(0)}k ns/op`.padStart(12)).join("");
  console.log(`\n${title}`);
  console.log(`${"strategy".padEnd(34)}${header}${"10k/1k".padStart(9)}${"100k/1k".padStart(9)}`);
}

type Table = Record<string, Record<string, number>>;

/** Figures by case, then by pool size, for the JSON report. */
function tableRow(table: Table, name: string, figures: readonly number[]): void {
  table[name] = Object.fromEntries(SIZES.map((size, i) => [String(size), figures[i] ?? Number.NaN]));
}

async function measureChoice(): Promise<{
  baselineNs: number;
  randomReadNs: number;
  choiceNs: Table;
  acquireNs: Table;
  preferenceNs: Table;
}> {
  const choiceNs: Table = {};
  const acquireNs: Table = {};
  const byId = new Map(liveAccounts(1000).map((a) => [a.id, a]));
  const ids = [...byId.keys()];
  const baseline = await medianNs(awaitedCalls(async (i) => byId.get(ids[i % ids.length] ?? "")));
  console.log(`CPU time per call, median of ${BATCHES} batches; pools: 10% disabled, 10% proxy-disabled,`);
  console.log(`20% cooling down, 10% cooling down for the model (half of each pool serves the model)`);
  console.log(`baseline (awaited Map lookup): ${baseline.toFixed(0)} ns/op`);
  const randomRead = await randomReadNs();
  console.log(`memory baseline (a read at a random place in 32 MB): ${randomRead.toFixed(0)} ns/op`);
  printHeader("the choice: strategy.choose(index.candidates(model)) on the pool's availability index");
  for (const benchCase of [...CASES, ...QUOTA_CASES]) {
    const figures: number[] = [];
    for (const size of SIZES) {
      const index = mixedIndex(size, benchCase.quota === true);
      const strategy = benchCase.strategy((idOrEmail) => idOrEmail);
      figures.push(
        await medianNs(
          syncCalls((i) => strategy.choose(index.candidates(MODEL, NO_EXCLUDE), benchCase.request(i))),
        ),
      );
    }
    printRow(benchCase.name, figures);
    tableRow(choiceNs, benchCase.name, figures);
  }
  printHeader("the whole acquire: await pool.acquire({model}) — choice, token check, lease");
  for (const benchCase of CASES) {
    const figures: number[] = [];
    for (const size of SIZES) {
      const pool = await mixedPool(size, benchCase.strategy);
      figures.push(
        await medianNs(
          awaitedCalls((i) => pool.acquire({ ...benchCase.request(i), model: MODEL, exclude: NO_EXCLUDE })),
        ),
      );
      pool.stop();
    }
    printRow(benchCase.name, figures);
    tableRow(acquireNs, benchCase.name, figures);
  }
  const preferenceNs = await measurePreference();
  const newSession = preferenceNs["sticky new"];
  console.log(
    `a new sticky session at ${SIZES[SIZES.length - 1]?.toLocaleString("en")} accounts, in random reads: ` +
      `${((newSession?.off ?? Number.NaN) / randomRead).toFixed(1)} without preference, ` +
      `${((newSession?.on ?? Number.NaN) / randomRead).toFixed(1)} with it`,
  );
  return { baselineNs: baseline, randomReadNs: randomRead, choiceNs, acquireNs, preferenceNs };
}

/**
 * What quota preference adds to a choice, side by side: two pools of 100,000 accounts with the
 * same quotas, one keeping quota tiers, measured in alternating batches (the tables above measure
 * one case after another, and a busy machine moves their figures more than the option does).
 */
async function measurePreference(): Promise<Table> {
  const size = SIZES[SIZES.length - 1] ?? 100_000;
  const off = mixedIndex(size, true, false);
  const on = mixedIndex(size, true, true);
  const table: Table = {};
  console.log(`\nquota preference side by side (${size.toLocaleString("en")} accounts, alternating batches)`);
  console.log(
    `${"strategy".padEnd(34)}${"off ns/op".padStart(12)}${"on ns/op".padStart(12)}${"on − off".padStart(12)}`,
  );
  for (const benchCase of QUOTA_CASES) {
    const strategies = [benchCase.strategy((id) => id), benchCase.strategy((id) => id)] as const;
    const [offNs = Number.NaN, onNs = Number.NaN] = await alternatingMedianNs([
      syncCalls((i) => strategies[0].choose(off.candidates(MODEL, NO_EXCLUDE), benchCase.request(i))),
      syncCalls((i) => strategies[1].choose(on.candidates(MODEL, NO_EXCLUDE), benchCase.request(i))),
    ]);
    const name = benchCase.name.replace("quota preference, ", "");
    console.log(
      `${name.padEnd(34)}${offNs.toFixed(0).padStart(12)}${onNs.toFixed(0).padStart(12)}${(onNs - offNs).toFixed(0).padStart(12)}`,
    );
    table[name] = { off: offNs, on: onNs };
  }
  return table;
}

/** Median CPU ns per call of each batch function, measured in alternating batches. */
async function alternatingMedianNs(batches: readonly Batch[]): Promise<number[]> {
  const perBatch = 2000;
  const samples = batches.map((): number[] => []);
  let i = 0;
  for (let round = 0; round < BATCHES + 3; round++) {
    for (const [which, batch] of batches.entries()) {
      const start = cpuMs();
      await batch(perBatch, i);
      i += perBatch;
      if (round >= 3) samples[which]?.push(((cpuMs() - start) * 1e6) / perBatch);
    }
  }
  return samples.map((values) => {
    values.sort((x, y) => x - y);
    return values[Math.floor(values.length / 2)] ?? Number.NaN;
  });
}

/** In a child process: build a pool of `count` accounts and print its memory as JSON. */
async function reportMemory(count: number): Promise<void> {
  const accounts = mixedAccounts(count);
  const store = new MemoryAccountStore({ accounts });
  Bun.gc(true);
  const heapBefore = process.memoryUsage().heapUsed;
  const pool = await mixedPool(0, createRoundRobinStrategy); // warms the code paths
  pool.stop();
  const real = new AccountPool({
    store,
    oauth: UNUSED_OAUTH,
    clock: systemClock,
    log: silentLogger,
    strategy: createRoundRobinStrategy(),
    refreshSkewSeconds: 300,
  });
  await real.start();
  await real.acquire({ model: MODEL });
  Bun.gc(true);
  const { heapUsed, rss } = process.memoryUsage();
  console.log(JSON.stringify({ count, poolHeap: heapUsed - heapBefore, rss, heapUsed }));
}

async function measureMemory(): Promise<Record<string, number>> {
  const run = (count: number) => {
    const child = Bun.spawnSync([process.execPath, import.meta.path, "--memory", String(count)]);
    return JSON.parse(child.stdout.toString()) as { poolHeap: number; rss: number; heapUsed: number };
  };
  const small = run(10);
  const large = run(100_000);
  const per = (a: number, b: number) => ((b - a) / (100_000 - 10)).toFixed(0).padStart(7);
  console.log("\nmemory per account (child processes with 10 and 100,000 accounts, after a full GC)");
  console.log(`  process RSS (store copy + pool)  ${per(small.rss, large.rss)} B/account`);
  console.log(`  process heap (store copy + pool) ${per(small.heapUsed, large.heapUsed)} B/account`);
  console.log(`  the pool's own heap              ${per(small.poolHeap, large.poolHeap)} B/account`);
  const bytes = (a: number, b: number) => Math.round((b - a) / (100_000 - 10));
  return {
    rssBytesPerAccount: bytes(small.rss, large.rss),
    heapBytesPerAccount: bytes(small.heapUsed, large.heapUsed),
    poolHeapBytesPerAccount: bytes(small.poolHeap, large.poolHeap),
  };
}

const memoryFlag = process.argv.indexOf("--memory");
if (memoryFlag >= 0) {
  await reportMemory(Number(process.argv[memoryFlag + 1]));
} else {
  const choice = await measureChoice();
  const churn = measureChurn();
  const memory = await measureMemory();
  const file = recordBenchResults("pool", { batches: BATCHES, sizes: SIZES, ...choice, churn, memory });
  console.log(`\nraw figures: ${file} (section "pool")`);
}
