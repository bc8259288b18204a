/**
 * What telemetry costs per proxied request, as ratios against the same request served with no
 * telemetry wired at all (measured in this process; the upstream is an in-process stub, so the
 * proxy's own work is all that is timed). "Disabled" must be indistinguishable from the baseline.
 */

import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, type SpanExporter, TracerProvider } from "@opentelemetry/sdk-trace";
import { createGrantpoolMetrics } from "../src/telemetry/grantpool-metrics.ts";
import type { FetchHandler } from "../src/telemetry/http-server-telemetry.ts";
import { createPrometheusScrape } from "../src/telemetry/prometheus-scrape.ts";
import { createServerDurations } from "../src/telemetry/server-durations.ts";
import { DISABLED_TELEMETRY, type Telemetry } from "../src/telemetry/telemetry.ts";
import { benchProxy } from "./support/bench-proxy.ts";
import { recordBenchResults } from "./support/bench-report.ts";

const ITERATIONS = 5_000;
/** Variants take turns, and each keeps its best round: noise only ever adds time. */
const ROUNDS = 6;
const REPLY = JSON.stringify({ candidates: [{ content: { parts: [{ text: "hi" }] } }] });
const stubFetch = async () => new Response(REPLY, { headers: { "content-type": "application/json" } });
const BODY = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hello" }] }] });

/** Drops finished spans: the export itself is the collector's cost, not the request's. */
const discard: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };

const handlerWith = (telemetry: Telemetry | undefined) =>
  benchProxy(stubFetch, telemetry === undefined ? {} : { telemetry });

function recordingTelemetry(traces: boolean): Telemetry {
  const serverDurations = createServerDurations({ name: "grantpool" });
  const prometheus = createPrometheusScrape([serverDurations.producer]);
  const meter = new MeterProvider({ readers: [prometheus.reader] }).getMeter("grantpool");
  const tracer = traces
    ? new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: discard })] }).getTracer(
        "grantpool",
      )
    : DISABLED_TELEMETRY.tracer;
  return {
    ...DISABLED_TELEMETRY,
    meter,
    metrics: createGrantpoolMetrics(meter, serverDurations),
    tracer,
    scrape: prometheus.scrape,
    recording: true,
    tracing: traces,
  };
}

async function timeRequests(handle: FetchHandler): Promise<number> {
  const once = async () => {
    const reply = await handle(
      new Request("http://proxy/v1beta/models/gemini-2.5-flash:generateContent", {
        method: "POST",
        body: BODY,
      }),
    );
    await reply.text();
  };
  for (let i = 0; i < 500; i++) await once(); // warm-up
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) await once();
  return ((performance.now() - start) * 1e3) / ITERATIONS;
}

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const variants: [string, Telemetry | undefined][] = [
  ["baseline (no telemetry wired)", undefined],
  ["telemetry disabled", DISABLED_TELEMETRY],
  ["metrics (/metrics on)", recordingTelemetry(false)],
  ["metrics + traces (batched)", recordingTelemetry(true)],
];
const handlers = await Promise.all(variants.map(([, telemetry]) => handlerWith(telemetry)));
const best = variants.map(() => Number.POSITIVE_INFINITY);
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, handle] of handlers.entries())
    best[i] = Math.min(best[i] ?? Number.NaN, await timeRequests(handle));
}
const baseline = best[0] ?? Number.NaN;
console.log(
  `a proxied generateContent through app.handle, best of ${ROUNDS} rounds of ${ITERATIONS} requests`,
);
for (const [i, [name]] of variants.entries()) {
  const us = best[i] ?? Number.NaN;
  console.log(
    `${name.padEnd(34)} ${us.toFixed(1).padStart(8)} µs/req   ${(us / baseline).toFixed(2).padStart(6)}× baseline`,
  );
}
const reportFile = recordBenchResults("telemetryOverhead", {
  rounds: ROUNDS,
  iterations: ITERATIONS,
  microsecondsPerRequest: Object.fromEntries(variants.map(([name], i) => [name, best[i] ?? null])),
});
console.log(`raw figures: ${reportFile} (section "telemetryOverhead")`);
