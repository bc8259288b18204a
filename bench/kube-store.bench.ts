/**
 * The Kubernetes store at scale, against a real kube-apiserver + etcd (test/kube's environment,
 * built from Go modules on first use): 10,000 Accounts with their token Secrets
 * (GRANTPOOL_BENCH_KUBE_ACCOUNTS to choose another count), and each proxy replica a child process
 * of its own running the store and the pool as the proxy does. Measured: how long creating the
 * objects takes; start to ready (the store's two lists and watches, the pool loaded) and the memory
 * per account, 10 accounts against all of them; and how long a disable written by one replica
 * (its pool refreshing a token Google refuses with invalid_grant) takes to take the account out of
 * the other replica's pool, over 50 disables (goal: ≤ 1 s p99).
 * Without Go, or when the server cannot start, it says so and exits non-zero.
 */
import * as os from "node:os";
import { resourceNameFor } from "../src/stores/kubernetes/kubernetes-create-account.ts";
import { recordBenchResults } from "./support/bench-report.ts";
import { KubeUnavailableError, startBenchKubeServer } from "./support/kube-bench-server.ts";
import type { BulkAccount } from "./support/kube-bulk-create.ts";
import { createAccountsInBulk } from "./support/kube-bulk-create.ts";
import type { ReadyReport } from "./support/kube-replica.ts";
import { startReplica } from "./support/kube-replica-process.ts";

const SMALL = 10;
const COUNT = Number(process.env.GRANTPOOL_BENCH_KUBE_ACCOUNTS ?? 10_000);
const DISABLES = Math.min(50, COUNT);
/** Requests in flight while creating the objects: more only queues in the API server. */
const CREATE_CONCURRENCY = 24;
const READY_TIMEOUT_MS = 120_000;
/** Longer than this, a disable counts as lost by the other replica. */
const GONE_DEADLINE_MS = 10_000;

interface Figures {
  readonly createMs: number;
  readonly small: ReadyReport;
  readonly writer: ReadyReport;
  readonly watcher: ReadyReport;
  /** Per disable: from the writer's pool deciding it to the watcher's pool no longer offering it. */
  readonly goneMs: readonly number[];
  /** Per disable: the writer's own write (fresh read of Account and Secret, status patch, Event). */
  readonly writeMs: readonly number[];
}

const log = (line: string): void => console.error(line);

function benchAccounts(count: number): BulkAccount[] {
  return Array.from({ length: count }, (_, i) => ({
    email: `user${i}@example.com`,
    refreshToken: `bench-refresh-token-${i}`,
  }));
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

async function disableAll(
  writer: ReturnType<typeof startReplica>,
  watcher: ReturnType<typeof startReplica>,
  namespace: string,
  accounts: readonly BulkAccount[],
): Promise<{ goneMs: number[]; writeMs: number[] }> {
  const goneMs: number[] = [];
  const writeMs: number[] = [];
  for (let i = 0; i < DISABLES; i++) {
    const account = accounts[Math.floor(((i + 0.5) * accounts.length) / DISABLES)] as BulkAccount;
    const id = `${namespace}/${resourceNameFor(account.email)}`;
    watcher.send({ op: "watch", id });
    await watcher.next("watching", 10_000);
    writer.send({ op: "disable", id });
    const disabled = await writer.next("disabled", 60_000);
    if (disabled.outcome !== "refresh_failed")
      throw new Error(`The writer's pool did not disable ${id}: ${disabled.outcome}`);
    writeMs.push(disabled.writeMs ?? Number.NaN);
    let gone: number | undefined;
    const deadline = performance.now() + GONE_DEADLINE_MS;
    while (gone === undefined && performance.now() < deadline) {
      const message = await watcher.next("gone", deadline - performance.now()).catch(() => undefined);
      if (message === undefined) break;
      if (message.id === id) gone = (message.at ?? Number.NaN) - (disabled.at ?? Number.NaN);
    }
    goneMs.push(gone ?? Number.POSITIVE_INFINITY);
  }
  return { goneMs, writeMs };
}

async function startedReplica(kubeconfig: string, namespace: string, stack: AsyncDisposableStack) {
  const replica = stack.use(startReplica(kubeconfig, namespace));
  const report = await replica.ready(READY_TIMEOUT_MS);
  return { replica, report };
}

async function measure(): Promise<Figures> {
  await using server = await startBenchKubeServer(log);
  const { env } = server;
  await server.createNamespace("bench-small");
  await server.createNamespace("bench-large");
  const accounts = benchAccounts(COUNT);
  const createStarted = performance.now();
  await createAccountsInBulk({
    env,
    namespace: "bench-large",
    accounts,
    concurrency: CREATE_CONCURRENCY,
  });
  const createMs = performance.now() - createStarted;
  await createAccountsInBulk({
    env,
    namespace: "bench-small",
    accounts: benchAccounts(SMALL),
    concurrency: SMALL,
  });

  await using stack = new AsyncDisposableStack();
  // One at a time: each start has both cores and the API server to itself.
  const small = await startedReplica(env.kubeconfig, "bench-small", stack);
  await small.replica[Symbol.asyncDispose]();
  const writer = await startedReplica(env.kubeconfig, "bench-large", stack);
  const watcher = await startedReplica(env.kubeconfig, "bench-large", stack);
  const { goneMs, writeMs } = await disableAll(writer.replica, watcher.replica, "bench-large", accounts);
  return { createMs, small: small.report, writer: writer.report, watcher: watcher.report, goneMs, writeMs };
}

const ms = (value: number): string =>
  Number.isFinite(value) ? `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ms` : "lost";
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

function printTable(figures: Figures): void {
  const { small, writer, watcher } = figures;
  const perAccount = (key: "heapUsed" | "rss"): string =>
    COUNT > SMALL ? kb((writer[key] - small[key]) / (COUNT - SMALL)) : "";
  const rows: [string, (r: ReadyReport) => string, string][] = [
    ["accounts in the pool", (r) => String(r.loaded), "all of them"],
    ["start to ready (store + pool)", (r) => ms(r.readyMs), ""],
    ["  first list of Accounts", (r) => ms(r.listAccountsMs), ""],
    ["  first list of Secrets", (r) => ms(r.listSecretsMs), ""],
    ["  CPU until ready", (r) => ms(r.readyCpuMs), ""],
    ["process start to ready", (r) => ms(r.processReadyMs), ""],
    ["heap after GC", (r) => `${(r.heapUsed / 2 ** 20).toFixed(1)} MB`, ""],
    ["RSS after GC", (r) => `${(r.rss / 2 ** 20).toFixed(1)} MB`, ""],
  ];
  const width = 34;
  const columns = [small, writer, watcher];
  console.log(
    `kubernetes store, real kube-apiserver + etcd, ${os.cpus().length} cores, one child process per replica`,
  );
  const createdPerSecond = (2 * COUNT) / (figures.createMs / 1000);
  console.log(
    `created ${COUNT.toLocaleString("en")} Accounts + ${COUNT.toLocaleString("en")} Secrets in ${(figures.createMs / 1000).toFixed(1)} s (${createdPerSecond.toFixed(0)} objects/s, ${CREATE_CONCURRENCY} requests in flight)`,
  );
  const heads = [`${SMALL}`, `${COUNT.toLocaleString("en")} (A)`, `${COUNT.toLocaleString("en")} (B)`];
  console.log(`${"".padEnd(width)}${heads.map((h) => h.padStart(14)).join("")}  goal`);
  for (const [label, cell, goal] of rows)
    console.log(`${label.padEnd(width)}${columns.map((r) => cell(r).padStart(14)).join("")}  ${goal}`);
  console.log(`${"heap per account (A vs 10)".padEnd(width)}${perAccount("heapUsed").padStart(42)}`);
  console.log(`${"RSS per account (A vs 10)".padEnd(width)}${perAccount("rss").padStart(42)}`);
  const describe = (label: string, values: readonly number[], goal: string): void => {
    const cells = [0.5, 0.99, 1].map((q) => ms(quantile(values, q)).padStart(10));
    console.log(`  ${label.padEnd(44)} p50${cells[0]}  p99${cells[1]}  max${cells[2]}  ${goal}`);
  };
  console.log(`${DISABLES} disables by replica A (invalid_grant), one at a time:`);
  describe("decided by A → gone from B's pool", figures.goneMs, "goal p99 ≤ 1 s");
  describe("A's write (2 reads, status patch, Event)", figures.writeMs, "");
}

try {
  const started = performance.now();
  const figures = await measure();
  printTable(figures);
  const file = recordBenchResults("kubeStore", { accounts: COUNT, disables: DISABLES, ...figures });
  console.log(`raw figures: ${file} (section "kubeStore")`);
  console.log(`(whole bench ${((performance.now() - started) / 1000).toFixed(0)} s)`);
} catch (error) {
  if (error instanceof KubeUnavailableError) {
    console.error(`kube-store bench: NOT RUN. ${error.message}`);
    process.exitCode = 1;
  } else throw error;
}
