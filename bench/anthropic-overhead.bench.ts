/**
 * What the Anthropic Messages API costs on top of the Gemini-native route: CPU time per request
 * through the whole app (routing, body reading, translation both ways, the pool, a stub upstream
 * answering at once), as ratios against the native route measured in the same process, and the
 * pure translation alone in µs — for a ~1 kB conversation and for a ~100 kB Claude Code request.
 *
 * CPU time per request, best round of each (support/cpu-cost.ts). The stub streams its SSE reply one event per read, as Google's arrive. The goals are printed
 * beside the numbers; the bench reports, it never fails on them.
 */

import { translateGenerateContentReply } from "../src/proxy/anthropic/messages-reply.ts";
import { translateMessagesRequest } from "../src/proxy/anthropic/messages-request.ts";
import {
  claudeCodeLikeRequest,
  GEMINI_TEXT_REPLY,
  GEMINI_TOOL_REPLY,
  geminiSseReply,
  SMALL_GEMINI_REQUEST,
  smallMessagesRequest,
} from "./support/anthropic-requests.ts";
import { benchProxy } from "./support/bench-proxy.ts";
import { recordBenchResults } from "./support/bench-report.ts";
import { BestCosts, type Cost, measureCost } from "./support/cpu-cost.ts";
import { geminiStubFetch } from "./support/stub-replies.ts";

const ROUNDS = 6;
const REQUESTS = 3_000;
const SSE_CHUNKS = 5;
const GOAL_US = 15;
const GOAL_RATIO = 1.2;

const handle = await benchProxy(geminiStubFetch(GEMINI_TEXT_REPLY, geminiSseReply(SSE_CHUNKS)));

/** One request, its reply read to the end; anything but a 200 stops the bench (it would time errors). */
function request(path: string, body: string, expect: string): () => Promise<void> {
  return async () => {
    const reply = await handle(new Request(`http://proxy${path}`, { method: "POST", body }));
    const text = await reply.text();
    if (reply.status !== 200 || !text.includes(expect))
      throw new Error(`POST ${path} answered ${reply.status}: ${text.slice(0, 200)}`);
  };
}

const routes = {
  native: request("/v1beta/models/gemini-2.5-pro:generateContent", SMALL_GEMINI_REQUEST, "candidates"),
  messages: request("/v1/messages", smallMessagesRequest(false), '"type":"message"'),
  nativeSse: request(
    "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
    SMALL_GEMINI_REQUEST,
    "finishReason",
  ),
  messagesSse: request("/v1/messages", smallMessagesRequest(true), "event: message_stop"),
};

const smallRequest = JSON.parse(smallMessagesRequest(false)) as unknown;
const smallReply = JSON.parse(GEMINI_TEXT_REPLY) as unknown;
const bigRequest = claudeCodeLikeRequest();
const bigText = JSON.stringify(bigRequest);
const context = { clientModel: "claude-sonnet-4-5", messageId: "msg_0123456789abcdef01234567" };
const upstreamModelFor = () => "gemini-2.5-pro";

function translateOrThrow(input: unknown): Record<string, unknown> {
  const translated = translateMessagesRequest(input, { upstreamModelFor });
  if (!translated.ok) throw new Error(`the bench's request does not translate: ${translated.error}`);
  return translated.value.body;
}

const pure = {
  small: () => {
    translateOrThrow(smallRequest);
    return translateGenerateContentReply(smallReply, context);
  },
  bigRequest: () => translateOrThrow(bigRequest),
  bigParse: () => JSON.stringify(JSON.parse(bigText)),
  toolReply: () => translateGenerateContentReply(GEMINI_TOOL_REPLY, context),
};
const PURE_ITERATIONS = { small: 20_000, bigRequest: 300, bigParse: 300, toolReply: 20_000 };

type Name = keyof typeof routes | keyof typeof pure;
const best = new BestCosts<Name>();
for (let round = 0; round < ROUNDS; round++) {
  // The order alternates too, so neither side of a pair always runs on a warmer heap.
  const names = Object.keys(routes) as (keyof typeof routes)[];
  for (const name of round % 2 === 0 ? names : names.reverse())
    best.keep(name, await measureCost(REQUESTS, routes[name]));
  for (const name of Object.keys(pure) as (keyof typeof pure)[])
    best.keep(name, await measureCost(PURE_ITERATIONS[name], pure[name]));
}

const cost = (name: Name) => best.of(name);
const us = (value: number) => `${value.toFixed(1).padStart(8)} µs`;
const ratio = (value: number) => `${value.toFixed(2).padStart(6)}×`;
const verdict = (met: boolean) => (met ? "met" : "MISSED");

console.log(
  `through app.handle with a stub upstream, best of ${ROUNDS} rounds of ${REQUESTS} requests; µs per request`,
);
console.log(`${"".padEnd(24)}${"process CPU".padStart(12)}${"JS thread".padStart(12)}${"wall".padStart(12)}`);
const row = (label: string, c: Cost, extra = "") =>
  console.log(
    `${label.padEnd(24)}${us(c.cpu).padStart(12)}${us(c.thread).padStart(12)}${us(c.wall).padStart(12)}${extra}`,
  );
const pairs: [string, keyof typeof routes, keyof typeof routes][] = [
  ["1 kB, not streamed", "native", "messages"],
  [`1 kB, SSE (${SSE_CHUNKS} chunks)`, "nativeSse", "messagesSse"],
];
for (const [label, native, messages] of pairs) {
  const n = cost(native);
  const m = cost(messages);
  console.log(label);
  row("  native Gemini route", n);
  row("  POST /v1/messages", m, `   CPU ${ratio(m.cpu / n.cpu)} native (+${(m.cpu - n.cpu).toFixed(1)} µs)`);
}

console.log("\ntranslation alone (request → Gemini, Gemini reply → message), best round");
const pureRows: [string, keyof typeof pure][] = [
  ["1 kB request + its reply", "small"],
  ["~100 kB Claude Code request", "bigRequest"],
  ["  for scale: JSON.parse + stringify of it", "bigParse"],
  ["reply: thought, text, signed tool call", "toolReply"],
];
for (const [label, name] of pureRows) console.log(`  ${label.padEnd(42)} ${us(cost(name).cpu)}`);
console.log(`  (the 100 kB request is ${(bigText.length / 1024).toFixed(0)} KiB of JSON)`);

const native = cost("native").cpu;
const messages = cost("messages").cpu;
console.log("\ngoals (issue 13), non-streamed 1 kB request");
const goals: [string, string, boolean][] = [
  [`translation ≤ ${GOAL_US} µs CPU`, us(cost("small").cpu), cost("small").cpu <= GOAL_US],
  [`route overhead ≤ ${GOAL_US} µs CPU`, us(messages - native), messages - native <= GOAL_US],
  [`route CPU ≤ ${GOAL_RATIO}× native`, ratio(messages / native), messages / native <= GOAL_RATIO],
];
for (const [goal, value, met] of goals)
  console.log(`  ${goal.padEnd(32)} ${value.padStart(11)}   ${verdict(met)}`);
const reportFile = recordBenchResults("anthropicOverhead", {
  microseconds: Object.fromEntries(best.entries()),
  goals: goals.map(([goal, value, met]) => ({ goal, value: value.trim(), met })),
});
console.log(`raw figures: ${reportFile} (section "anthropicOverhead")`);
