/**
 * How much choosing an account costs per request, as a ratio against a baseline measured in the
 * same process (an awaited Map lookup — the least any pool could do). No absolute thresholds:
 * machines differ, ratios travel.
 */

import { silentLogger } from "../src/log/logger.ts";
import { AccountPool } from "../src/pool/account-pool.ts";
import { createRoundRobinStrategy } from "../src/pool/strategies/round-robin.ts";
import type { SelectionStrategy } from "../src/pool/strategies/selection-strategy.ts";
import { createStickyStrategy } from "../src/pool/strategies/sticky.ts";
import { createMemoryAccountStore } from "../src/stores/memory-account-store.ts";
import { systemClock } from "../src/time/clock.ts";
import { liveAccounts, UNUSED_OAUTH } from "./support/bench-accounts.ts";

const ACCOUNTS = 50;
const ITERATIONS = 200_000;

const accounts = liveAccounts(ACCOUNTS);

async function timeLoop(body: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 10_000; i++) await body(i); // warm-up
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) await body(i);
  return ((performance.now() - start) * 1e6) / ITERATIONS;
}

async function poolWith(strategy: SelectionStrategy): Promise<AccountPool> {
  const pool = new AccountPool({
    store: createMemoryAccountStore({ accounts }),
    oauth: UNUSED_OAUTH,
    clock: systemClock,
    log: silentLogger,
    strategy,
    refreshSkewSeconds: 300,
  });
  await pool.start();
  return pool;
}

const byId = new Map(accounts.map((a) => [a.id, a]));
const baseline = await timeLoop(async (i) => byId.get(accounts[i % ACCOUNTS]?.id ?? ""));
const roundRobin = await poolWith(createRoundRobinStrategy());
const rr = await timeLoop(() => roundRobin.acquire());
const stickyPool = await poolWith(createStickyStrategy({ clock: systemClock, idleMs: 3_600_000 }));
const sticky = await timeLoop((i) => stickyPool.acquire({ sessionKey: `session-${i % 1000}` }));

const row = (name: string, ns: number) =>
  console.log(
    `${name.padEnd(34)} ${ns.toFixed(0).padStart(8)} ns/op   ${(ns / baseline).toFixed(1).padStart(6)}× baseline`,
  );
console.log(`pool.acquire with ${ACCOUNTS} accounts, ${ITERATIONS} iterations`);
row("baseline (awaited Map lookup)", baseline);
row("acquire, round-robin", rr);
row("acquire, sticky (1000 sessions)", sticky);
