/** The throughput bench's printed tables: medians, ratios paired by round, then the goals. */
import {
  addedLatencyUs,
  type BenchNames,
  type FirstEventResult,
  firstEventMedian,
  type Goal,
  medians,
  pairedAddedLatencyRatio,
  pairedRatio,
  type ScenarioResult,
  scenarioLabel,
  sizeLabel,
} from "./throughput-results.ts";

const LABEL = 24;
const cell = (text: string, width = 11): string => text.padStart(width);
const num = (value: number | undefined, digits = 0): string =>
  value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits);
const ratio = (value: number | undefined): string => (value === undefined ? "–" : `${value.toFixed(2)}×`);

/** A target's median req/s and CPU per request, each beside its ratio to `base`'s (by round). */
function againstBase(result: ScenarioResult, target: string, base: string): string[] {
  const run = medians(result, target);
  return [
    cell(num(run?.requestsPerSecond)),
    cell(ratio(pairedRatio(result, target, base, "requestsPerSecond"))),
    cell(num(run?.cpuUsPerRequest)),
    cell(ratio(pairedRatio(result, target, base, "cpuUsPerRequest"))),
  ];
}

function printLoad(scenarios: readonly ScenarioResult[], small: string, large: string): void {
  console.log(`${"".padEnd(LABEL)}${cell("forwarder", 22)}${cell(small, 33)}${cell(large, 22)}`);
  console.log(
    `${"".padEnd(LABEL)}${cell("req/s")}${cell("µs CPU/req")}${cell("req/s")}${cell("×fwd")}${cell("µs CPU/req")}${cell("×fwd")}${cell("req/s")}${cell(`×${small.replace("grantpool-", "")}`)}`,
  );
  for (const result of scenarios) {
    const fwd = medians(result, "forwarder");
    console.log(
      [
        scenarioLabel(result.scenario).padEnd(LABEL),
        cell(num(fwd?.requestsPerSecond)),
        cell(num(fwd?.cpuUsPerRequest)),
        ...againstBase(result, small, "forwarder"),
        cell(num(medians(result, large)?.requestsPerSecond)),
        cell(ratio(pairedRatio(result, large, small, "requestsPerSecond"))),
      ].join(""),
    );
  }
}

/**
 * A reference forwarder against the bare one, and grantpool against the reference: what the
 * reference's one addition costs, and what is grantpool's own.
 */
function printReference(
  scenarios: readonly ScenarioResult[],
  small: string,
  reference: string,
  title: string,
): void {
  console.log(`\n${title}`);
  console.log(
    `${"".padEnd(LABEL)}${cell("req/s")}${cell("×fwd")}${cell("µs CPU/req")}${cell("×fwd")}${cell(`${small} ×`, 16)}${cell("CPU ×", 11)}`,
  );
  for (const result of scenarios.filter((r) => r.runs[reference] !== undefined)) {
    console.log(
      [
        scenarioLabel(result.scenario).padEnd(LABEL),
        ...againstBase(result, reference, "forwarder"),
        cell(ratio(pairedRatio(result, small, reference, "requestsPerSecond")), 16),
        cell(ratio(pairedRatio(result, small, reference, "cpuUsPerRequest"))),
      ].join(""),
    );
  }
}

function printLatency(scenarios: readonly ScenarioResult[], small: string, reference: string): void {
  console.log(
    `\nlatency p50 at 1 connection (wrk), and what each adds to the stub's own (ref: ${reference}; ×fwd: the median of each round's ratio)`,
  );
  console.log(
    `${"".padEnd(LABEL)}${cell("stub µs")}${cell("fwd +µs")}${cell(`${small} +µs`, 20)}${cell("×fwd")}${cell("ref +µs")}${cell("×fwd")}`,
  );
  for (const result of scenarios.filter((r) => r.runs.stub !== undefined)) {
    const fwd = addedLatencyUs(result, "forwarder");
    const gp = addedLatencyUs(result, small);
    const ref = addedLatencyUs(result, reference);
    console.log(
      `${scenarioLabel(result.scenario).padEnd(LABEL)}${cell(num(medians(result, "stub")?.p50Us))}${cell(num(fwd))}${cell(num(gp), 20)}${cell(ratio(pairedAddedLatencyRatio(result, small, "forwarder")))}${cell(num(ref))}${cell(ratio(pairedAddedLatencyRatio(result, reference, "forwarder")))}`,
    );
  }
}

function printFirstEvents(firstEvents: readonly FirstEventResult[], targets: readonly string[]): void {
  console.log(`\nSSE time to first event, ms (1 connection, the bench's raw-socket client, median)`);
  console.log(`${"".padEnd(LABEL)}${targets.map((t) => cell(t, 20)).join("")}`);
  for (const result of firstEvents) {
    const row = targets.map((target) => {
      const whole = (result.runs[target] ?? []).reduce((sum, round) => sum + round.wholeReplies, 0);
      return cell(`${num(firstEventMedian(result, target), 3)}${whole > 0 ? ` (${whole} whole)` : ""}`, 20);
    });
    console.log(`${`1 conn ${sizeLabel(result.bodyBytes)} sse`.padEnd(LABEL)}${row.join("")}`);
  }
  const anyWhole = firstEvents.some((result) =>
    Object.values(result.runs).some((rounds) => rounds.some((round) => round.wholeReplies > 0)),
  );
  if (anyWhole) console.log("(n whole: replies that came in one piece, with a Content-Length, not streamed)");
}

function printGoals(heading: string, goals: readonly Goal[]): void {
  console.log(`\n${heading}`);
  const width = Math.max(...goals.map((g) => g.goal.length)) + 2;
  for (const goal of goals)
    console.log(
      `  ${goal.goal.padEnd(width)}${goal.measured.padStart(10)}  ${goal.met ? "met   " : "MISSED"}  ${goal.where}`,
    );
}

export function printThroughputTables(options: {
  readonly scenarios: readonly ScenarioResult[];
  readonly firstEvents: readonly FirstEventResult[];
  readonly targets: readonly string[];
  readonly names: BenchNames;
  readonly goals: readonly Goal[];
  /** The references judged by the same request goals (`judgeReferences`). */
  readonly references: readonly Goal[];
}): void {
  const { small, large, following, checking } = options.names;
  console.log();
  printLoad(options.scenarios, small, large);
  printReference(
    options.scenarios,
    small,
    checking,
    `against ${checking}: a bare forwarder that does every duty of a proxy (the checks every request must get; streams followed)`,
  );
  printReference(
    options.scenarios,
    small,
    following,
    `SSE against ${following}: a bare forwarder that only follows its stream, in one JavaScript stage`,
  );
  printLatency(options.scenarios, small, checking);
  printFirstEvents(options.firstEvents, [...options.targets, following, checking]);
  printGoals(
    "the references by the same goals (not grantpool's: what the duties they add cost by themselves)",
    options.references,
  );
  printGoals("goals (worst scenario)", options.goals);
}
