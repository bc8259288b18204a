/**
 * Throughput (issue 15): the compiled grantpool binary against the limit, a bare Bun forwarder,
 * both in front of the same stub upstream, each server its own process. Load from wrk (installed
 * from Debian on first use): 1 and 32 connections, 1 kB and 256 kB bodies, plain and SSE, in
 * alternating rounds (each round starts with another target), medians printed as ratios. CPU per
 * request is read from each server's /proc stat; at 1 connection the stub is also loaded alone,
 * so each proxy's added latency shows; the time to the first SSE event is measured by the bench's
 * own raw-socket client. With `--pin` (GRANTPOOL_BENCH_PIN=1) the servers share one core and wrk
 * has another (support/cpu-pinning.ts): steadier ratios, for comparing two commits; by default the
 * scheduler places them, as on a machine that runs a proxy. grantpool runs with its default settings (metrics on), a client key, and
 * 10 or 10,000 accounts. Two more forwarders run as references. The checking one does, with
 * grantpool's own code, every duty the SPEC gives a proxy and nothing else: the checks every
 * proxied request must get (key, body limits and shape, an account, the duration metric), then a
 * streamed reply followed to its end (SPEC §9, §5.4); it runs in every scenario and shows what is
 * grantpool's structure. In the SSE scenarios the following one runs too, which only follows its
 * stream: it shows what that one stage costs by itself. Both get the first-event client and show in
 * the latency table. The goals are judged against the bare forwarder, as issue 15 states them, and
 * again against the checking forwarder. The references themselves are judged by the bare
 * forwarder's goals too, and printed apart: where a reference misses a goal, the duties it adds miss
 * it before grantpool's structure adds anything.
 * Raw figures go to bench/results/latest.json (section "throughput").
 *
 * Every target but the stub runs as three processes, and each round loads another of them: two
 * processes of one binary can differ by more than a goal's margin (support/throughput-targets.ts).
 * Ratios are taken round by round and their median printed (support/throughput-results.ts).
 *
 * About 10 minutes (plus the build when dist/grantpool is stale): six rounds, each process loaded in
 * two, since a machine's speed can drift within minutes; `--quick` or GRANTPOOL_BENCH_QUICK=1: one
 * round of 1 s runs and one process per target, about a minute.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { buildBinary } from "../test/support/binary.ts";
import { recordBenchResults } from "./support/bench-report.ts";
import { type Pinning, planPinning, UNPINNED } from "./support/cpu-pinning.ts";
import { ensureWrk, writeRequestFile } from "./support/load-generator.ts";
import { watchOtherCpu } from "./support/process-cpu.ts";
import { measureFirstEventRound, measureLoad, rotated } from "./support/throughput-measure.ts";
import {
  type FirstEventResult,
  judgeGoals,
  judgeReferences,
  medians,
  type Scenario,
  type ScenarioResult,
  scenarioLabel,
} from "./support/throughput-results.ts";
import { printThroughputTables } from "./support/throughput-table.ts";
import {
  CHECKING_FORWARDER,
  checkFollowed,
  checkTarget,
  FOLLOWING_FORWARDER,
  type Replicas,
  replicaFor,
  startCheckingForwarder,
  startFollowingForwarder,
  startForwarder,
  startGrantpool,
  startReplicas,
  startStub,
  stubStats,
  type Target,
} from "./support/throughput-targets.ts";

const QUICK = process.argv.includes("--quick") || process.env.GRANTPOOL_BENCH_QUICK === "1";
/** Pin the servers to one core and wrk to another (support/cpu-pinning.ts): for A/B comparisons. */
const PIN = process.argv.includes("--pin") || process.env.GRANTPOOL_BENCH_PIN === "1";
const SETTINGS = QUICK
  ? { rounds: 1, seconds: 1, warmupSeconds: 1, firstEventRequests: 50, replicas: 1 }
  : { rounds: 6, seconds: 2, warmupSeconds: 1, firstEventRequests: 100, replicas: 3 };
const BODY_SIZES = [1024, 256 * 1024] as const;
const CONNECTIONS = [1, 32] as const;
const SMALL_POOL = 10;
const LARGE_POOL = 10_000;

const SCENARIOS: Scenario[] = CONNECTIONS.flatMap((connections) =>
  BODY_SIZES.flatMap((bodyBytes) => [false, true].map((sse) => ({ connections, bodyBytes, sse }))),
);

/** Every target but the stub runs as `SETTINGS.replicas` processes, one loaded per round. */
interface Servers {
  readonly stub: Target;
  readonly proxies: readonly Replicas[];
  /** Loaded in the SSE scenarios only: what following a stream costs a bare forwarder. */
  readonly following: Replicas;
  /** Loaded in every scenario: what every duty of a proxy (checks, and following streams) costs. */
  readonly checking: Replicas;
  readonly version: string;
  readonly pinning: Pinning;
}

async function startServers(stack: AsyncDisposableStack): Promise<Servers> {
  const { version } = await buildBinary();
  const stub = await startStub(stack);
  const replicas = (start: () => Promise<Target>) => startReplicas(SETTINGS.replicas, start);
  const proxies = [
    await replicas(() => startForwarder(stub.url, stack)),
    await replicas(() => startGrantpool(stub.url, SMALL_POOL, stack)),
    await replicas(() => startGrantpool(stub.url, LARGE_POOL, stack)),
  ];
  const following = await replicas(() => startFollowingForwarder(stub.url, stack));
  const checking = await replicas(() => startCheckingForwarder(stub.url, stack));
  const pinning = PIN ? planPinning() : UNPINNED;
  for (const server of allServers({ stub, proxies, following, checking })) pinning.pinServer(server.pid);
  return { stub, proxies, following, checking, version, pinning };
}

/** Every process the bench started. */
function allServers(servers: Pick<Servers, "stub" | "proxies" | "following" | "checking">): Target[] {
  return [servers.stub, ...servers.proxies.flat(), ...servers.following, ...servers.checking];
}

/** The references loaded beside the proxies: the checking forwarder, and for SSE the following one. */
function referencesFor(servers: Servers, sse: boolean): Replicas[] {
  return sse ? [servers.checking, servers.following] : [servers.checking];
}

/** Every path each proxy will take, loaded once before any figure counts (the JIT's tiers). */
async function warmUp(servers: Servers, bodyFiles: Map<number, string>): Promise<void> {
  const loads = [false, true].flatMap((sse) =>
    [...servers.proxies, ...referencesFor(servers, sse)].flat().map((target) => ({ target, sse })),
  );
  for (const { target, sse } of loads)
    for (const bodyBytes of BODY_SIZES)
      await measureLoad({
        target,
        scenario: { connections: 32, bodyBytes, sse },
        round: 0,
        seconds: SETTINGS.warmupSeconds,
        bodyFile: bodyFiles.get(bodyBytes) as string,
        loadPrefix: servers.pinning.loadPrefix,
      });
}

async function measureScenarios(servers: Servers, bodyFiles: Map<number, string>): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const scenario of SCENARIOS) {
    // At one connection the stub alone is the latency floor the proxies add to.
    const proxies = [...servers.proxies, ...referencesFor(servers, scenario.sse)];
    const targets: Replicas[] = scenario.connections === 1 ? [[servers.stub], ...proxies] : proxies;
    const runs: ScenarioResult["runs"] = {};
    for (let round = 1; round <= SETTINGS.rounds; round++) {
      for (const replicas of rotated(targets, round - 1)) {
        const target = replicaFor(replicas, round);
        const run = await measureLoad({
          target,
          scenario,
          round,
          seconds: SETTINGS.seconds,
          bodyFile: bodyFiles.get(scenario.bodyBytes) as string,
          loadPrefix: servers.pinning.loadPrefix,
        });
        runs[target.name] = [...(runs[target.name] ?? []), run];
      }
    }
    results.push({ scenario, runs });
    process.stdout.write(".");
  }
  return results;
}

async function measureFirstEventsAll(
  servers: Servers,
  bodyFiles: Map<number, string>,
): Promise<FirstEventResult[]> {
  // The references show how late the first event is through a forwarder that follows its stream
  // in JavaScript and does nothing else, and through one that also does the checks first.
  const targets: Replicas[] = [[servers.stub], ...servers.proxies, servers.following, servers.checking];
  const results: FirstEventResult[] = [];
  for (const bodyBytes of BODY_SIZES) {
    const body = readFileSync(bodyFiles.get(bodyBytes) as string, "utf8");
    for (const target of targets.flat())
      await measureFirstEventRound({ target, round: 0, body, requests: 20 });
    const runs: FirstEventResult["runs"] = {};
    for (let round = 1; round <= SETTINGS.rounds; round++) {
      for (const replicas of rotated(targets, round - 1)) {
        const target = replicaFor(replicas, round);
        const measured = await measureFirstEventRound({
          target,
          round,
          body,
          requests: SETTINGS.firstEventRequests,
        });
        runs[target.name] = [...(runs[target.name] ?? []), measured];
      }
    }
    results.push({ bodyBytes, runs });
    process.stdout.write(".");
  }
  return results;
}

async function main(): Promise<void> {
  const wrkVersion = ensureWrk();
  const started = performance.now();
  const loadAtStart = os.loadavg()[0] ?? Number.NaN;
  const bodyDir = mkdtempSync(join(os.tmpdir(), "grantpool-throughput-bodies-"));
  await using stack = new AsyncDisposableStack();
  stack.defer(() => rmSync(bodyDir, { recursive: true, force: true }));
  const bodyFiles = new Map(BODY_SIZES.map((bytes) => [bytes, writeRequestFile(bodyDir, bytes)]));
  const servers = await startServers(stack);
  const small = `grantpool-${SMALL_POOL}`;
  const large = `grantpool-${LARGE_POOL}`;
  const oneKb = readFileSync(bodyFiles.get(1024) as string, "utf8");
  for (const target of allServers(servers)) await checkTarget(target, oneKb);
  for (const follower of [...servers.following, ...servers.checking]) await checkFollowed(follower);
  console.log(
    `throughput: dist/grantpool ${servers.version} against a bare Bun forwarder, one stub upstream; ` +
      `${os.cpus().length} cores, load ${loadAtStart.toFixed(2)} at start; ${wrkVersion.split(" [")[0]} -t1; ` +
      `${SETTINGS.rounds} round(s) × ${SETTINGS.seconds} s, medians${QUICK ? " (quick)" : ""}, ` +
      `each target but the stub ${SETTINGS.replicas} process(es), one per round; ${servers.pinning.description}`,
  );

  const otherCpuShare = watchOtherCpu(allServers(servers).map((target) => target.pid));
  await warmUp(servers, bodyFiles);
  const scenarios = await measureScenarios(servers, bodyFiles);
  const firstEvents = await measureFirstEventsAll(servers, bodyFiles);
  const stats = await stubStats(servers.stub);
  if (stats.token > 0) throw new Error(`grantpool refreshed tokens ${stats.token} times during the bench`);

  const names = { small, large, following: FOLLOWING_FORWARDER, checking: CHECKING_FORWARDER };
  const goals = judgeGoals(scenarios, firstEvents, names);
  const references = judgeReferences(scenarios, firstEvents, names);
  const targets = [servers.stub, ...servers.proxies.map(([first]) => first)].map((target) => target.name);
  printThroughputTables({
    scenarios,
    firstEvents,
    targets,
    names,
    goals,
    references,
  });
  const otherCpu = otherCpuShare();
  const file = recordBenchResults("throughput", {
    grantpoolVersion: servers.version,
    loadGenerator: `${wrkVersion}; first events: the bench's raw-socket client`,
    settings: {
      ...SETTINGS,
      quick: QUICK,
      accounts: [SMALL_POOL, LARGE_POOL],
      pinning: servers.pinning.description,
    },
    loadAverageAtStart: loadAtStart,
    otherProcessesCpuShare: otherCpu.others,
    hypervisorStealShare: otherCpu.steal,
    seconds: (performance.now() - started) / 1000,
    medians: scenarios.map((result) => ({
      scenario: scenarioLabel(result.scenario),
      ...Object.fromEntries(Object.keys(result.runs).map((target) => [target, medians(result, target)])),
    })),
    scenarios,
    firstEvents,
    stubCalls: stats,
    goals,
    referenceGoals: references,
  });
  console.log(
    `\nother processes used ${(otherCpu.others * 100).toFixed(1)}% of the machine's CPU and the hypervisor ` +
      `took ${(otherCpu.steal * 100).toFixed(1)}% (steal) while the bench measured ` +
      `(${otherCpu.others + otherCpu.steal < 0.05 ? "quiet" : "busy: the figures are less sure"}); ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s; raw figures in ${file}`,
  );
}

await main();
