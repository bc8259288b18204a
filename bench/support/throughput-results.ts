/**
 * The throughput bench's figures: the raw ones of every run (what the JSON report keeps), their
 * medians over the rounds, and the goals of issue 15 judged on the medians.
 */

export interface Scenario {
  readonly connections: number;
  readonly bodyBytes: number;
  readonly sse: boolean;
}

/** One wrk run against one target. */
export interface LoadRun {
  readonly round: number;
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

interface Candidate {
  readonly value: number;
  readonly where: string;
}

function worst(candidates: readonly Candidate[], higherIsWorse: boolean): Candidate {
  const sorted = [...candidates].sort((a, b) => (higherIsWorse ? b.value - a.value : a.value - b.value));
  return sorted[0] ?? { value: Number.NaN, where: "not measured" };
}

/** Issue 15's goals for grantpool with `small` accounts, and with `large` against `small`. */
export function judgeGoals(
  scenarios: readonly ScenarioResult[],
  firstEvents: readonly FirstEventResult[],
  small: string,
  large: string,
): Goal[] {
  const ratio = (result: ScenarioResult, target: string, base: string, key: keyof TargetMedians) => {
    const of = medians(result, target)?.[key];
    const to = medians(result, base)?.[key];
    return {
      value: of === undefined || to === undefined ? Number.NaN : of / to,
      where: scenarioLabel(result.scenario),
    };
  };
  const throughput = worst(
    scenarios.map((r) => ratio(r, small, "forwarder", "requestsPerSecond")),
    false,
  );
  const cpu = worst(
    scenarios.map((r) => ratio(r, small, "forwarder", "cpuUsPerRequest")),
    true,
  );
  const latency = worst(
    scenarios
      .filter((r) => r.runs.stub !== undefined)
      .map((r) => ({
        value: (addedLatencyUs(r, small) ?? Number.NaN) / (addedLatencyUs(r, "forwarder") ?? Number.NaN),
        where: scenarioLabel(r.scenario),
      })),
    true,
  );
  const firstEvent = worst(
    firstEvents.map((r) => ({
      value: firstEventMedian(r, small) - firstEventMedian(r, "forwarder"),
      where: `${sizeLabel(r.bodyBytes)} sse`,
    })),
    true,
  );
  // Throughput is a figure of a loaded server: at one connection, latency and scheduling decide.
  const scale = worst(
    scenarios
      .filter((r) => r.scenario.connections > 1)
      .map((r) => {
        const { value, where } = ratio(r, large, small, "requestsPerSecond");
        return { value: Math.abs(1 - value), where: `${where} (${value.toFixed(2)}×)` };
      }),
    true,
  );
  return [
    {
      goal: "throughput ≥ 0.8× the forwarder",
      measured: `${throughput.value.toFixed(2)}×`,
      where: throughput.where,
      met: throughput.value >= 0.8,
    },
    {
      goal: "CPU per request ≤ 1.5× the forwarder's",
      measured: `${cpu.value.toFixed(2)}×`,
      where: cpu.where,
      met: cpu.value <= 1.5,
    },
    {
      goal: "added latency p50 ≤ 1.25× the forwarder's",
      measured: `${latency.value.toFixed(2)}×`,
      where: latency.where,
      met: latency.value <= 1.25,
    },
    {
      goal: "SSE first event ≤ forwarder + 0.3 ms",
      measured: `${firstEvent.value >= 0 ? "+" : ""}${firstEvent.value.toFixed(2)} ms`,
      where: firstEvent.where,
      met: firstEvent.value <= 0.3,
    },
    {
      goal: `${large} within 10% of ${small} (req/s, 32 conn)`,
      measured: `${(scale.value * 100).toFixed(1)}%`,
      where: scale.where,
      met: scale.value <= 0.1,
    },
  ];
}
