/**
 * One measurement of the throughput bench against one target: a wrk run with the target's CPU
 * time read around it, or a round of the first-event client.
 */
import { measureFirstEvents } from "./first-event-client.ts";
import { runWrk } from "./load-generator.ts";
import { processCpuMs } from "./process-cpu.ts";
import { PACED_MODEL } from "./stub-upstream.ts";
import { type FirstEventRound, type LoadRun, median, type Scenario } from "./throughput-results.ts";
import { CLIENT_KEY, type Target } from "./throughput-targets.ts";

export const MODEL = "bench";

export function callPath(sse: boolean, model = MODEL): string {
  return sse
    ? `/v1beta/models/${model}:streamGenerateContent?alt=sse`
    : `/v1beta/models/${model}:generateContent`;
}

export async function measureLoad(options: {
  readonly target: Target;
  readonly scenario: Scenario;
  readonly round: number;
  readonly seconds: number;
  readonly bodyFile: string;
  /** wrk's command prefix (the bench's CPU pinning). */
  readonly loadPrefix?: readonly string[];
}): Promise<LoadRun> {
  const { target, scenario } = options;
  const cpuBefore = processCpuMs(target.pid);
  const figures = await runWrk({
    url: `${target.url}${callPath(scenario.sse)}`,
    connections: scenario.connections,
    seconds: options.seconds,
    bodyFile: options.bodyFile,
    clientKey: CLIENT_KEY,
    ...(options.loadPrefix === undefined ? {} : { prefix: options.loadPrefix }),
  });
  const cpuMs = processCpuMs(target.pid) - cpuBefore;
  const seconds = figures.durationUs / 1e6;
  return {
    round: options.round,
    pid: target.pid,
    requests: figures.requests,
    seconds,
    requestsPerSecond: figures.requests / seconds,
    cpuMs,
    cpuUsPerRequest: (cpuMs * 1000) / figures.requests,
    latencyUs: { p50: figures.latencyUs.p50, p90: figures.latencyUs.p90, p99: figures.latencyUs.p99 },
  };
}

/** Streamed calls to the paced model, one after the other; medians of the round. */
export async function measureFirstEventRound(options: {
  readonly target: Target;
  readonly round: number;
  readonly body: string;
  readonly requests: number;
}): Promise<FirstEventRound> {
  const samples = await measureFirstEvents({
    url: options.target.url,
    path: callPath(true, PACED_MODEL),
    body: options.body,
    clientKey: CLIENT_KEY,
    requests: options.requests,
  }).catch((error: unknown) => {
    throw new Error(`The first-event client failed against ${options.target.name}`, { cause: error });
  });
  return {
    round: options.round,
    pid: options.target.pid,
    requests: samples.length,
    firstEventMs: median(samples.map((sample) => sample.firstEventMs)),
    totalMs: median(samples.map((sample) => sample.totalMs)),
    wholeReplies: samples.filter((sample) => !sample.chunked).length,
  };
}

/** `items` rotated left by `by`: each round starts with another target. */
export function rotated<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
