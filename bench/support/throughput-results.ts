/**
 * The throughput bench's figures: the raw ones of every run (what the JSON report keeps), their
 * medians over the rounds, ratios of one target to another paired by round, and the goals of
 * issue 15 judged on them.
 */

export interface Scenario {
  readonly connections: number;
  readonly bodyBytes: number;
  readonly sse: boolean;
}

/** The names of the targets the goals and tables compare. */
export interface BenchNames {
  /** grantpool with few accounts, and with many. */
  readonly small: string;
  readonly large: string;
  /** The forwarder that only follows its stream (SSE): what that one stage costs. */
  readonly following: string;
  /** The forwarder that does every duty of a proxy, checks and following streams (the reference). */
  readonly checking: string;
}

/** One wrk run against one target. */
export interface LoadRun {
  readonly round: number;
  /** The process loaded (each round loads another of the target's processes). */
  readonly pid: number;
  readonly requests: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  /** CPU the target's process used during the run (user + system, every thread). */
  readonly cpuMs: number;
  readonly cpuUsPerRequest: number;
  readonly latencyUs: { readonly p50: number; readonly p90: number; readonly p99: number };
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  /** Runs by target name, in round order. */
  readonly runs: Record<string, LoadRun[]>;
}

/** One round of the first-event client against one target. */
export interface FirstEventRound {
  readonly round: number;
  readonly pid: number;
  readonly requests: number;
  readonly firstEventMs: number;
  readonly totalMs: number;
  /** Replies that came whole (Content-Length) instead of streamed. */
  readonly wholeReplies: number;
}

export interface FirstEventResult {
  readonly bodyBytes: number;
  readonly runs: Record<string, FirstEventRound[]>;
}

export interface Goal {
  readonly goal: string;
  /** The worst scenario's figure, as printed. */
  readonly measured: string;
  readonly where: string;
  readonly met: boolean;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export const sizeLabel = (bytes: number): string =>
  bytes >= 1024 ? `${(bytes / 1024).toFixed(0)} kB` : `${bytes} B`;

export const scenarioLabel = (s: Scenario): string =>
  `${s.connections} conn ${sizeLabel(s.bodyBytes)} ${s.sse ? "sse" : "plain"}`;

export interface TargetMedians {
  readonly requestsPerSecond: number;
  readonly cpuUsPerRequest: number;
  readonly p50Us: number;
}

export function medians(result: ScenarioResult, target: string): TargetMedians | undefined {
  const runs = result.runs[target];
  if (runs === undefined || runs.length === 0) return undefined;
  return {
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    cpuUsPerRequest: median(runs.map((run) => run.cpuUsPerRequest)),
    p50Us: median(runs.map((run) => run.latencyUs.p50)),
  };
}

export function firstEventMedian(result: FirstEventResult, target: string): number {
  return median((result.runs[target] ?? []).map((round) => round.firstEventMs));
}

/** Latency p50 a target adds to the stub's own, in µs (scenarios with the stub measured alone). */
export function addedLatencyUs(result: ScenarioResult, target: string): number | undefined {
  const stub = medians(result, "stub");
  const measured = medians(result, target);
  return stub === undefined || measured === undefined ? undefined : measured.p50Us - stub.p50Us;
}

/** A target's runs of a scenario by the round they were measured in. */
function byRound(result: ScenarioResult, target: string): Map<number, LoadRun> {
  return new Map((result.runs[target] ?? []).map((run) => [run.round, run]));
}

/**
 * The median over the rounds `target` ran of a ratio taken within each round; rounds where
 * `ratioIn` has none are left out. Undefined when no round has one.
 */
function medianOverRounds(
  result: ScenarioResult,
  target: string,
  ratioIn: (run: LoadRun) => number | undefined,
): number | undefined {
  const ratios = (result.runs[target] ?? []).flatMap((run) => {
    const ratio = ratioIn(run);
    return ratio === undefined ? [] : [ratio];
  });
  return ratios.length === 0 ? undefined : median(ratios);
}

/**
 * The latency `target` adds to the stub's own over what `base` adds, paired like `pairedRatio`:
 * the median of each round's ratio, both added latencies taken against the stub of the same round.
 * Rounds where `base` added nothing measurable are left out.
 */
export function pairedAddedLatencyRatio(
  result: ScenarioResult,
  target: string,
  base: string,
): number | undefined {
  const stubs = byRound(result, "stub");
  const bases = byRound(result, base);
  return medianOverRounds(result, target, (run) => {
    const stub = stubs.get(run.round)?.latencyUs.p50;
    const to = bases.get(run.round)?.latencyUs.p50;
    if (stub === undefined || to === undefined || to <= stub) return undefined;
    return (run.latencyUs.p50 - stub) / (to - stub);
  });
}

interface Candidate {
  readonly value: number;
  readonly where: string;
}

function worst(candidates: readonly Candidate[], higherIsWorse: boolean): Candidate {
  const sorted = [...candidates].sort((a, b) => (higherIsWorse ? b.value - a.value : a.value - b.value));
  return sorted[0] ?? { value: Number.NaN, where: "not measured" };
}

export type LoadFigure = "requestsPerSecond" | "cpuUsPerRequest";

/**
 * `target`'s figure over `base`'s: the median of the two's ratios in each round, which were
 * measured minutes apart at most. This machine's speed drifts by up to 1.8× within minutes; the
 * ratio of two medians over all rounds moved with that drift (a target whose fast rounds fell
 * where the other's slow ones did), and a round's own ratio does not.
 */
export function pairedRatio(
  result: ScenarioResult,
  target: string,
  base: string,
  figure: LoadFigure,
): number | undefined {
  const bases = byRound(result, base);
  return medianOverRounds(result, target, (run) => {
    const to = bases.get(run.round);
    return to === undefined ? undefined : run[figure] / to[figure];
  });
}

function ratioOf(result: ScenarioResult, target: string, base: string, figure: LoadFigure): Candidate {
  return {
    value: pairedRatio(result, target, base, figure) ?? Number.NaN,
    where: scenarioLabel(result.scenario),
  };
}

/**
 * Issue 15's request goals for `small` against `base`, over the plain or the SSE scenarios
 * (`kind`); the first event is judged with the SSE ones.
 */
function requestGoals(
  kind: "plain" | "SSE",
  scenarios: readonly ScenarioResult[],
  firstEvents: readonly FirstEventResult[],
  small: string,
  base: string,
): Goal[] {
  const mine = scenarios.filter((r) => r.scenario.sse === (kind === "SSE") && r.runs[base] !== undefined);
  const throughput = worst(
    mine.map((r) => ratioOf(r, small, base, "requestsPerSecond")),
    false,
  );
  const cpu = worst(
    mine.map((r) => ratioOf(r, small, base, "cpuUsPerRequest")),
    true,
  );
  const latency = worst(
    mine
      .filter((r) => r.runs.stub !== undefined)
      .map((r) => ({
        value: pairedAddedLatencyRatio(r, small, base) ?? Number.NaN,
        where: scenarioLabel(r.scenario),
      })),
    true,
  );
  const goals: Goal[] = [
    {
      goal: `${kind}: throughput ≥ 0.8× ${base}`,
      measured: `${throughput.value.toFixed(3)}×`,
      where: throughput.where,
      met: throughput.value >= 0.8,
    },
    {
      goal: `${kind}: CPU per request ≤ 1.5× ${base}'s`,
      measured: `${cpu.value.toFixed(3)}×`,
      where: cpu.where,
      met: cpu.value <= 1.5,
    },
    {
      goal: `${kind}: added latency p50 ≤ 1.25× ${base}'s`,
      measured: `${latency.value.toFixed(3)}×`,
      where: latency.where,
      met: latency.value <= 1.25,
    },
  ];
  if (kind === "plain") return goals;
  const firstEvent = worst(
    firstEvents.map((r) => ({
      value: firstEventMedian(r, small) - firstEventMedian(r, base),
      where: `${sizeLabel(r.bodyBytes)} sse`,
    })),
    true,
  );
  return [
    ...goals,
    {
      goal: `${kind}: first event ≤ ${base}'s + 0.3 ms`,
      measured: `${firstEvent.value >= 0 ? "+" : ""}${firstEvent.value.toFixed(2)} ms`,
      where: firstEvent.where,
      met: firstEvent.value <= 0.3,
    },
  ];
}

/**
 * The references judged by the bare forwarder's request goals, as grantpool is: the checking
 * forwarder by the plain and the SSE ones, the following forwarder by the SSE ones. Not goals of
 * grantpool's; they show what the duties each reference adds (SPEC §6–§7, §9, §5.4) cost against
 * the goals by themselves, before anything grantpool's structure adds.
 */
export function judgeReferences(
  scenarios: readonly ScenarioResult[],
  firstEvents: readonly FirstEventResult[],
  names: BenchNames,
): Goal[] {
  const judged = (reference: string, kind: "plain" | "SSE"): Goal[] =>
    requestGoals(kind, scenarios, firstEvents, reference, "forwarder").map((goal) => ({
      ...goal,
      goal: `${reference}, ${goal.goal}`,
    }));
  return [
    ...judged(names.checking, "plain"),
    ...judged(names.checking, "SSE"),
    ...judged(names.following, "SSE"),
  ];
}

/**
 * Issue 15's goals for grantpool with `small` accounts, and with `large` against `small`. The
 * request goals are judged twice. First against the bare forwarder, as the issue states them (these
 * decide). Then against `checking`, the forwarder that does only what grantpool must on top of
 * forwarding — checks the key and the body, takes an account, records the duration (SPEC §6–§7,
 * §9) and follows a stream in one JavaScript stage (SPEC §9, §5.4) — so that what grantpool's own
 * structure costs shows apart from what its duties cost. The references alone miss some of the
 * first goals (`judgeReferences`, and the README).
 */
export function judgeGoals(
  scenarios: readonly ScenarioResult[],
  firstEvents: readonly FirstEventResult[],
  names: BenchNames,
): Goal[] {
  const { small, large, checking } = names;
  // Throughput is a figure of a loaded server: at one connection, latency and scheduling decide.
  const scale = worst(
    scenarios
      .filter((r) => r.scenario.connections > 1)
      .map((r) => {
        const { value, where } = ratioOf(r, large, small, "requestsPerSecond");
        return { value: Math.abs(1 - value), where: `${where} (${value.toFixed(2)}×)` };
      }),
    true,
  );
  return [
    ...requestGoals("plain", scenarios, firstEvents, small, "forwarder"),
    ...requestGoals("SSE", scenarios, firstEvents, small, "forwarder"),
    ...requestGoals("plain", scenarios, firstEvents, small, checking),
    ...requestGoals("SSE", scenarios, firstEvents, small, checking),
    {
      goal: `${large} within 10% of ${small} (req/s, 32 conn)`,
      measured: `${(scale.value * 100).toFixed(1)}%`,
      where: scale.where,
      met: scale.value <= 0.1,
    },
  ];
}
