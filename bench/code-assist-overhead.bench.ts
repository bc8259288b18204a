/**
 * What the code-assist profile's rewriting costs (issue 15: where a body must change, measure the
 * cost). The same Gemini calls go through the whole app twice: on the `gemini` profile, where the
 * client's bytes go upstream as they came and the reply comes back as it is; and on `code-assist`,
 * where the request is wrapped as `{model, project, request}` (the client's bytes copied in, never
 * serialized again) and the reply unwrapped from `{response}`, in every SSE event too. An in-process
 * stub answers in each API's shape at once, so the proxy's own work is all that is timed: CPU per
 * request, best round of each (support/cpu-cost.ts), as ratios against the Gemini profile in the
 * same process; then the rewriting alone.
 */

import {
  createCodeAssistProfile,
  unwrapResponse,
  wrapRequest,
} from "../src/proxy/upstream/code-assist-profile.ts";
import { GEMINI_TEXT_REPLY, geminiSseReply } from "./support/anthropic-requests.ts";
import { BENCH_UPSTREAM, benchProxy } from "./support/bench-proxy.ts";
import { recordBenchResults } from "./support/bench-report.ts";
import { BestCosts, measureCost } from "./support/cpu-cost.ts";
import { geminiRequestOfSize } from "./support/load-generator.ts";
import { geminiStubFetch, jsonReply } from "./support/stub-replies.ts";

const ROUNDS = 6;
const SSE_CHUNKS = 5;
const SIZES = [
  { label: "1 kB", bytes: 1024, requests: 3_000 },
  { label: "256 kB", bytes: 256 * 1024, requests: 300 },
] as const;
const MODEL = "gemini-2.5-pro";
const text = new TextDecoder();
const encoder = new TextEncoder();

/** Cloud Code Assist's shape of a reply: the Gemini reply under `response`. */
const wrapped = (json: string) => `{"response":${json},"traceId":"bench-trace"}`;
const GEMINI_EVENTS = geminiSseReply(SSE_CHUNKS);
const CODE_ASSIST_EVENTS = GEMINI_EVENTS.map((event) => {
  const json = text
    .decode(event)
    .replace(/^data: /, "")
    .trimEnd();
  return encoder.encode(`data: ${wrapped(json)}\r\n\r\n`);
});

const codeAssistCalls = geminiStubFetch(wrapped(GEMINI_TEXT_REPLY), CODE_ASSIST_EVENTS);
const codeAssistUpstream = async (url: string | URL | Request) =>
  String(url).includes(":loadCodeAssist")
    ? jsonReply('{"cloudaicompanionProject":"bench-project"}')
    : codeAssistCalls(url);

const handlers = {
  gemini: await benchProxy(geminiStubFetch(GEMINI_TEXT_REPLY, GEMINI_EVENTS)),
  codeAssist: await benchProxy(codeAssistUpstream, {
    profile: createCodeAssistProfile({
      baseUrl: BENCH_UPSTREAM,
      fetch: codeAssistUpstream,
      rememberProject: async () => {},
    }),
  }),
};
type Profile = keyof typeof handlers;

/** One call, its reply read to the end; anything but a 200 in plain Gemini stops the bench. */
function call(profile: Profile, sse: boolean, body: string): () => Promise<void> {
  const path = sse
    ? `/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`
    : `/v1beta/models/${MODEL}:generateContent`;
  const handle = handlers[profile];
  return async () => {
    const reply = await handle(new Request(`http://proxy${path}`, { method: "POST", body }));
    const answer = await reply.text();
    if (reply.status !== 200 || !answer.includes("candidates") || answer.includes('"response"'))
      throw new Error(`${profile} answered ${path} with ${reply.status}: ${answer.slice(0, 200)}`);
  };
}

const scenarios = SIZES.flatMap((size) =>
  [false, true].map((sse) => {
    const body = geminiRequestOfSize(size.bytes);
    return {
      label: `${size.label}, ${sse ? `SSE (${SSE_CHUNKS} events)` : "not streamed"}`,
      requests: size.requests,
      gemini: call("gemini", sse, body),
      codeAssist: call("codeAssist", sse, body),
    };
  }),
);

const bigBody = encoder.encode(geminiRequestOfSize(256 * 1024));
const bigCall = {
  model: MODEL,
  action: "generateContent" as const,
  rawBody: bigBody,
  query: new URLSearchParams(),
};
const eventJson = wrapped(
  text
    .decode(GEMINI_EVENTS[0])
    .replace(/^data: /, "")
    .trimEnd(),
);
const pure = {
  "wrap a 256 kB request": { iterations: 2_000, once: () => wrapRequest(bigCall, "bench-project") },
  "unwrap a reply": { iterations: 20_000, once: () => unwrapResponse(wrapped(GEMINI_TEXT_REPLY)) },
  "unwrap one SSE event": { iterations: 20_000, once: () => unwrapResponse(eventJson) },
};

const best = new BestCosts<string>();
for (let round = 0; round < ROUNDS; round++) {
  for (const scenario of scenarios) {
    // Each profile goes first every other round, so neither always runs on a warmer heap.
    const order: Profile[] = round % 2 === 0 ? ["gemini", "codeAssist"] : ["codeAssist", "gemini"];
    for (const profile of order)
      best.keep(`${scenario.label} ${profile}`, await measureCost(scenario.requests, scenario[profile]));
  }
  for (const [name, { iterations, once }] of Object.entries(pure))
    best.keep(name, await measureCost(iterations, once));
}

const us = (value: number) => `${value.toFixed(1).padStart(8)} µs`;
console.log(`through app.handle with a stub upstream, best of ${ROUNDS} rounds; process CPU µs per request`);
console.log(`${"".padEnd(28)}${"gemini".padStart(11)}${"code-assist".padStart(14)}`);
const rows = scenarios.map((scenario) => {
  const gemini = best.of(`${scenario.label} gemini`).cpu;
  const codeAssist = best.of(`${scenario.label} codeAssist`).cpu;
  const ratio = codeAssist / gemini;
  console.log(
    `${scenario.label.padEnd(28)}${us(gemini)}${us(codeAssist).padStart(14)}   ${ratio.toFixed(2)}× (+${(codeAssist - gemini).toFixed(1)} µs)`,
  );
  return { scenario: scenario.label, gemini, codeAssist, ratio };
});
console.log("\nthe rewriting alone, best round");
for (const name of Object.keys(pure)) console.log(`  ${name.padEnd(28)}${us(best.of(name).cpu)}`);
const reportFile = recordBenchResults("codeAssistOverhead", {
  rounds: ROUNDS,
  requests: rows,
  rewritingMicroseconds: Object.fromEntries(Object.keys(pure).map((name) => [name, best.of(name).cpu])),
});
console.log(`raw figures: ${reportFile} (section "codeAssistOverhead")`);
