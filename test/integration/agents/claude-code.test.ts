/**
 * Claude Code itself (npm's @anthropic-ai/claude-code, installed by `npm test` into a cache: see
 * scripts/ensure-claude-code.mjs) run non-interactively with its own HOME and workspace, through
 * grantpool and the Google emulator, on both upstream profiles (issue 13): a plain prompt, a
 * plain prompt whose stream breaks off mid-reply, a prompt answered through one call of Claude
 * Code's own Bash tool, and `/context`, whose token counts come from count_tokens calls. Claude
 * Code may also make side calls (titles, quota checks): the emulator answers every call, so they
 * never fail a test.
 */
import { describe, expect, test } from "bun:test";
import { createStickyStrategy } from "../../../src/pool/strategies/sticky.ts";
import {
  CLAUDE_CODE_ACCOUNT,
  type ClaudeCodeProxy,
  type ClientRequest,
  startClaudeCodeProxy,
} from "../../support/claude-code-proxy.ts";
import { type ClaudeCodeRun, resultOf, runClaudeCode } from "../../support/claude-code-runner.ts";
import { bashRoundTrip } from "../../support/claude-code-turns.ts";
import { FakeClock } from "../../support/fake-clock.ts";

/** A run takes about a second here; the deadline is for a loaded machine. */
const RUN_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = RUN_TIMEOUT_MS + 15_000;

/** One run; a failing assertion's message also says what went through grantpool meanwhile. */
async function run(proxy: ClaudeCodeProxy, args: readonly string[]): Promise<ClaudeCodeRun> {
  const ran = await runClaudeCode({
    baseUrl: proxy.url,
    apiKey: proxy.apiKey,
    args,
    timeoutMs: RUN_TIMEOUT_MS,
  });
  return { ...ran, describe: () => `${ran.describe()}\n${proxy.describeTraffic()}` };
}

function succeeded(run: ClaudeCodeRun): ReturnType<typeof resultOf> {
  expect(run.timedOut, run.describe()).toBe(false);
  expect(run.exitCode, run.describe()).toBe(0);
  const result = resultOf(run);
  expect(result.is_error, run.describe()).toBe(false);
  return result;
}

/**
 * What holds after every run: Claude Code's messages went to `/v1/messages?beta=true` as streams
 * (but the `nonStreamed` fallbacks) and were served, and its key went no further than grantpool — not to Google, not into the log.
 */
function expectCleanTraffic(
  proxy: ClaudeCodeProxy,
  options: { messages: boolean; nonStreamed?: number },
): void {
  const messages = proxy.requests.filter((r) => r.target.startsWith("/v1/messages?"));
  if (options.messages) expect(messages.length).toBeGreaterThan(0);
  for (const request of messages) {
    expect(request.target).toBe("/v1/messages?beta=true");
    expect(request.status).toBe(200);
  }
  expect(messages.filter((r) => r.body.stream !== true)).toHaveLength(options.nonStreamed ?? 0);
  const google = proxy.fixture.google.upstreamRequests;
  expect(google.length).toBeGreaterThan(0);
  for (const request of google) {
    expect(JSON.stringify(request)).not.toContain(proxy.apiKey);
    expect(request.headers.authorization).toMatch(/^Bearer ya29\.emu-/);
  }
  expect(proxy.fixture.log.lines.join("\n")).not.toContain(proxy.apiKey);
}

/** `| System prompt | 1.8k | 0.2% |` → 1800. */
function tokensIn(markdown: string, category: string): number | undefined {
  const row = new RegExp(`^\\| ${category} \\| ([\\d.]+)(k|m)? \\|`, "m").exec(markdown);
  if (row?.[1] === undefined) return undefined;
  const scale = row[2] === "k" ? 1_000 : row[2] === "m" ? 1_000_000 : 1;
  return Number(row[1]) * scale;
}

/**
 * /context counts the system prompt one section per count_tokens call, each section sent as the
 * only user message with no tools; its probe calls send "foo" or tools instead.
 */
function systemSectionCounts(requests: readonly ClientRequest[]): number[] {
  return requests.flatMap((request) => {
    const tools = request.body.tools;
    const messages = JSON.stringify(request.body.messages ?? []);
    const section = (!Array.isArray(tools) || tools.length === 0) && !messages.includes('"content":"foo"');
    return section && typeof request.counted?.input_tokens === "number" ? [request.counted.input_tokens] : [];
  });
}

const UPSTREAM_PATHS = {
  gemini: {
    stream: "/v1beta/models/gemini-2.5-pro:streamGenerateContent",
    generate: "/v1beta/models/gemini-2.5-pro:generateContent",
    count: ":countTokens",
  },
  "code-assist": {
    stream: "/v1internal:streamGenerateContent",
    generate: "/v1internal:generateContent",
    count: "/v1internal:countTokens",
  },
} as const;

describe.each(["gemini", "code-assist"] as const)("Claude Code through grantpool (%s profile)", (profile) => {
  test(
    "prints the answer of a pool account to a plain prompt",
    async () => {
      await using proxy = await startClaudeCodeProxy({ profile });
      const marker = `plain-${crypto.randomUUID()}`;
      const ran = await run(proxy, ["-p", `Say hello to ${marker}`, "--output-format", "json"]);
      expect(succeeded(ran).result).toBe(`answered by ${CLAUDE_CODE_ACCOUNT}`);
      const streams = proxy.fixture.google.upstreamRequests.filter(
        (r) => r.path === UPSTREAM_PATHS[profile].stream,
      );
      expect(streams.some((r) => JSON.stringify(r.body).includes(marker))).toBe(true);
      expectCleanTraffic(proxy, { messages: true });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "when its stream breaks off mid-reply, asks again without streaming and prints that answer; grantpool retries nothing",
    async () => {
      // Without a socket between grantpool and the emulator, the break comes right after event 1.
      await using proxy = await startClaudeCodeProxy({ profile, upstreamInProcess: true });
      const google = proxy.fixture.google;
      google.failStreams({ kind: "break", afterEvents: 1 }, { times: 1 });
      // The runner's CLAUDE_CODE_MAX_RETRIES=0 stays: the fallback is not a retry to Claude Code.
      const ran = await run(proxy, ["-p", "Say hello", "--output-format", "json"]);
      expect(succeeded(ran).result).toBe(`answered by ${CLAUDE_CODE_ACCOUNT}`);
      const messages = proxy.requests.filter((r) => r.target.startsWith("/v1/messages?"));
      expect(messages.map((r) => [r.body.stream, r.status])).toEqual([
        [true, 200],
        [false, 200],
      ]);
      expect(google.upstreamStreams.map((s) => s.state)).toEqual(["broken"]);
      expect(google.upstreamRequests.filter((r) => r.path === UPSTREAM_PATHS[profile].stream)).toHaveLength(
        1,
      );
      expect(google.upstreamRequests.filter((r) => r.path === UPSTREAM_PATHS[profile].generate)).toHaveLength(
        1,
      );
      expect(proxy.fixture.pool.summary()).toMatchObject({ active: 1, coolingDown: 0, disabled: 0 });
      expect(proxy.fixture.log.messages("warn")).toEqual([
        expect.stringMatching(/^Upstream stream with ada@example\.com broke off after the reply began/),
      ]);
      expectCleanTraffic(proxy, { messages: true, nonStreamed: 1 });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "runs the Bash call the model asks for, sends back its output with the call's thought signature, and prints the model's answer built from it",
    async () => {
      await using proxy = await startClaudeCodeProxy({ profile });
      const trip = bashRoundTrip();
      proxy.fixture.google.setDefaultTurn(trip.turn);
      // Gemini 3 refuses a function response whose call comes back without its signature.
      proxy.fixture.google.requireThoughtSignatures(true);
      const ran = await run(proxy, ["-p", trip.prompt, "--output-format", "json", "--allowedTools", "Bash"]);
      const result = succeeded(ran);
      expect(trip.calls()).toBe(1);
      expect(trip.responses).toHaveLength(1);
      expect(JSON.stringify(trip.responses[0])).toContain(trip.expectedOutput);
      expect(trip.signaturesBack).toContain(trip.signature);
      expect(result.result).toBe(trip.finalText);
      expect(result.num_turns).toBe(2);
      const toolResults = proxy.requests.filter((r) =>
        JSON.stringify(r.body.messages).includes('"tool_result"'),
      );
      expect(toolResults.length).toBeGreaterThan(0);
      expectCleanTraffic(proxy, { messages: true });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "/context shows the system prompt's size as counted by count_tokens calls through the pool",
    async () => {
      await using proxy = await startClaudeCodeProxy({ profile });
      const ran = await run(proxy, ["-p", "/context", "--output-format", "json"]);
      const markdown = String(succeeded(ran).result);
      const counts = proxy.requests.filter((r) => r.target.startsWith("/v1/messages/count_tokens"));
      expect(counts.length).toBeGreaterThan(10);
      for (const request of counts) {
        expect(request.target).toBe("/v1/messages/count_tokens?beta=true");
        expect(request.status).toBe(200);
        expect(request.counted?.input_tokens).toBeGreaterThan(0);
      }
      const upstream = proxy.fixture.google.upstreamRequests.filter((r) =>
        r.path.endsWith(UPSTREAM_PATHS[profile].count),
      );
      expect(upstream).toHaveLength(counts.length);
      // Shown rounded to a tenth of a thousand; Claude Code's own estimate, used when the calls
      // fail, is hundreds of tokens away (2.3k against 1.8k counted, for this version).
      const sections = systemSectionCounts(proxy.requests);
      expect(sections.length).toBeGreaterThan(3);
      const counted = sections.reduce((sum, n) => sum + n, 0);
      const shown = tokensIn(markdown, "System prompt");
      expect(shown, markdown).toBeDefined();
      expect(Math.abs((shown ?? 0) - counted), markdown).toBeLessThanOrEqual(100);
      // /context counts without asking the model anything.
      expectCleanTraffic(proxy, { messages: false });
    },
    TEST_TIMEOUT_MS,
  );
});

describe("Claude Code sessions on a pool of several accounts", () => {
  test(
    "every call of one Claude Code session goes to the same account, by its x-claude-code-session-id",
    async () => {
      const emails = ["ada@example.com", "bob@example.com", "cyd@example.com"];
      const strategy = createStickyStrategy({ clock: new FakeClock(), idleMs: 3_600_000 });
      await using proxy = await startClaudeCodeProxy({ profile: "gemini", emails, strategy });
      const trip = bashRoundTrip();
      const served: string[] = [];
      proxy.fixture.google.setDefaultTurn((call) => {
        served.push(call.email);
        return trip.turn(call);
      });
      const ran = await run(proxy, ["-p", trip.prompt, "--output-format", "json", "--allowedTools", "Bash"]);
      expect(succeeded(ran).result).toBe(trip.finalText);
      expect(served.length).toBeGreaterThanOrEqual(2);
      expect(new Set(served).size).toBe(1);
      const messages = proxy.requests.filter((r) => r.target.startsWith("/v1/messages?"));
      const sessions = new Set(messages.map((r) => r.headers["x-claude-code-session-id"]));
      expect(sessions.size).toBe(1);
      expect([...sessions][0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(strategy.boundSessions()).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );
});
