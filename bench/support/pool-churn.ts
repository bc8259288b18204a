/**
 * What accounts joining and leaving a pool of 100,000 cost the availability index: the initial
 * load (adds, then one layout), then single arrivals and departures, each timed alone in CPU time
 * (most merge into the small layout; about one in 2·√n merges both layouts, the maximum shows it).
 * The from-scratch layout is what every arrival or departure cost before the layout was
 * incremental.
 */
import { AvailabilityIndex } from "../../src/pool/availability/availability-index.ts";
import { createEntry } from "../../src/pool/pool-entry.ts";
import { systemClock } from "../../src/time/clock.ts";
import { liveAccounts } from "./bench-accounts.ts";

const POOL = 100_000;
const CHURN = 3_000;

/** CPU time of this process in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function describe(label: string, samplesMs: number[]): void {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const mean = sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length;
  const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`.padStart(10);
  console.log(
    `  ${label.padEnd(30)} median${us(at(0.5))}  p99${us(at(0.99))}  max${us(at(1))}  mean${us(mean)}`,
  );
}

export interface ChurnFigures {
  readonly pool: number;
  readonly loadMs: number;
  readonly layoutMs: number;
  /** CPU milliseconds of each arrival and each departure, in order. */
  readonly arrivalsMs: readonly number[];
  readonly departuresMs: readonly number[];
}

export function measureChurn(): ChurnFigures {
  const accounts = liveAccounts(POOL + CHURN);
  const index = new AvailabilityIndex(systemClock);
  const entryOf = (i: number) => {
    const account = accounts[i];
    if (account === undefined) throw new Error(`no account ${i}`);
    return createEntry(account, { onChange: (changed) => index.changed(changed) });
  };
  Bun.gc(true);
  let start = cpuMs();
  for (let i = 0; i < POOL; i++) index.add(entryOf(i));
  const loadMs = cpuMs() - start;
  start = cpuMs();
  index.prepare();
  const layoutMs = cpuMs() - start;
  const timeEach = (run: (i: number) => void): number[] =>
    Array.from({ length: CHURN }, (_, i) => {
      const before = cpuMs();
      run(i);
      return cpuMs() - before;
    });
  const arrivals = timeEach((i) => index.add(entryOf(POOL + i)));
  const departures = timeEach((i) => index.remove(accounts[i * 7]?.id ?? ""));
  console.log(`\naccounts joining and leaving a pool of ${POOL.toLocaleString("en")} (CPU time each)`);
  console.log(
    `  initial load: ${POOL.toLocaleString("en")} adds ${loadMs.toFixed(0)} ms, then one layout ${layoutMs.toFixed(0)} ms`,
  );
  console.log(`  (the from-scratch layout is what each arrival or departure cost before it was incremental)`);
  describe(`${CHURN.toLocaleString("en")} arrivals, one at a time`, arrivals);
  describe(`${CHURN.toLocaleString("en")} departures, one at a time`, departures);
  const candidates = index.candidates(undefined, undefined);
  if (candidates.nextAfter(undefined) === undefined) throw new Error("the pool lost its accounts");
  return { pool: POOL, loadMs, layoutMs, arrivalsMs: arrivals, departuresMs: departures };
}
