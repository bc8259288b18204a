/**
 * Codex itself (npm's @openai/codex, installed by `npm test` into a cache: see
 * scripts/ensure-codex.mjs) run as `codex exec` with its own HOME and a test-written config.toml
 * whose provider is grantpool (`wire_api = "responses"`, the key in GRANTPOOL_KEY), through the
 * Google emulator, on both upstream profiles (issue 14): a plain prompt, and a prompt answered
 * through one call of Codex's shell tool; then a patch through its freeform apply_patch tool,
 * Codex's default model, a sticky pool of three accounts, and a provider that lets Codex try a
 * WebSocket first. grantpool is the recording proxy the Claude Code tests use (it records any
 * client); what Codex sends is stated in codex-requests.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { createStickyStrategy } from "../../../src/pool/strategies/sticky.ts";
import {
  type ClaudeCodeProxy as RecordingProxy,
  startClaudeCodeProxy,
} from "../../support/claude-code-proxy.ts";
import { type CodexRun, runCodex } from "../../support/codex-runner.ts";
import { patchRoundTrip, shellRoundTrip } from "../../support/codex-turns.ts";
import { FakeClock } from "../../support/fake-clock.ts";

/** A run takes about a second here; the deadline is for a loaded machine. */
const RUN_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = RUN_TIMEOUT_MS + 15_000;
const ACCOUNT = "ada@example.com";
/** The README's model: a Gemini name, so that Codex declares plain function tools. */
const MODEL = "gemini-2.5-pro";

const UPSTREAM_STREAM = {
  gemini: `/v1beta/models/${MODEL}:streamGenerateContent`,
  "code-assist": "/v1internal:streamGenerateContent",
} as const;

/** One run; a failing assertion's message also says what went through grantpool meanwhile. */
async function run(
  proxy: RecordingProxy,
  prompt: string,
  options: { args?: readonly string[]; model?: string | null } = {},
): Promise<CodexRun> {
  const model = options.model === undefined ? MODEL : options.model;
  const ran = await runCodex({
    baseUrl: `${proxy.url}/v1`,
    apiKey: proxy.apiKey,
    prompt,
    ...(model === null ? {} : { model }),
    args: options.args ?? [],
    timeoutMs: RUN_TIMEOUT_MS,
  });
  return { ...ran, describe: () => `${ran.describe()}\n${proxy.describeTraffic()}` };
}

/** Codex ended well and printed `text` as its final message (exec prints only that on stdout). */
function expectPrinted(ran: CodexRun, text: string): void {
  expect(ran.timedOut, ran.describe()).toBe(false);
  expect(ran.exitCode, ran.describe()).toBe(0);
  expect(ran.stdout.trim(), ran.describe()).toBe(text);
  expect(ran.lastMessage.trim(), ran.describe()).toBe(text);
}

/**
 * What holds after every run: each of Codex's turns was one streamed POST /v1/responses that
 * grantpool served, and its key went no further than grantpool — not to Google, not into the log.
 */
function expectCleanTraffic(proxy: RecordingProxy, turns: number): void {
  const posts = proxy.requests.filter((r) => r.method === "POST");
  expect(posts.map((r) => `${r.status} ${r.method} ${r.target}`)).toEqual(
    Array.from({ length: turns }, () => "200 POST /v1/responses"),
  );
  for (const request of posts) expect(request.body.stream).toBe(true);
  const google = proxy.fixture.google.upstreamRequests;
  expect(google.length).toBeGreaterThanOrEqual(turns);
  for (const request of google) {
    expect(JSON.stringify(request)).not.toContain(proxy.apiKey);
    expect(request.headers.authorization).toMatch(/^Bearer ya29\.emu-/);
  }
  expect(proxy.fixture.log.lines.join("\n")).not.toContain(proxy.apiKey);
}

describe.each(["gemini", "code-assist"] as const)("Codex through grantpool (%s profile)", (profile) => {
  test(
    "prints the answer of a pool account to a plain prompt",
    async () => {
      await using proxy = await startClaudeCodeProxy({ profile, emails: [ACCOUNT], clientName: "Codex" });
      const marker = `plain-${crypto.randomUUID()}`;
      const ran = await run(proxy, `Say hello to ${marker}`);
      expectPrinted(ran, `answered by ${ACCOUNT}`);
      const streams = proxy.fixture.google.upstreamRequests.filter(
        (r) => r.path === UPSTREAM_STREAM[profile],
      );
      expect(
        streams.some((r) => JSON.stringify(r.body).includes(marker)),
        ran.describe(),
      ).toBe(true);
      expectCleanTraffic(proxy, 1);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "runs the exec_command call the model asks for, sends back its output with the call's thought signature, and prints the model's answer built from it",
    async () => {
      await using proxy = await startClaudeCodeProxy({ profile, emails: [ACCOUNT], clientName: "Codex" });
      const trip = shellRoundTrip();
      proxy.fixture.google.setDefaultTurn(trip.turn);
      // Gemini 3 refuses a function response whose call comes back without its signature.
      proxy.fixture.google.requireThoughtSignatures(true);
      const ran = await run(proxy, trip.prompt);
      expectPrinted(ran, trip.finalText);
      expect(trip.calls(), ran.describe()).toBe(1);
      expect(trip.responses, ran.describe()).toHaveLength(1);
      expect(JSON.stringify(trip.responses[0])).toContain(trip.expectedOutput);
      expect(trip.signaturesBack).toContain(trip.signature);
      const outputs = proxy.requests.filter((r) =>
        JSON.stringify(r.body.input).includes('"function_call_output"'),
      );
      expect(outputs, ran.describe()).toHaveLength(1);
      expectCleanTraffic(proxy, 2);
    },
    TEST_TIMEOUT_MS,
  );
});

describe("Codex with other settings", () => {
  test(
    "on gpt-5.5, applies the patch the model writes with its freeform apply_patch tool, and the file it added is there to read back",
    async () => {
      await using proxy = await startClaudeCodeProxy({
        profile: "gemini",
        emails: [ACCOUNT],
        clientName: "Codex",
      });
      const trip = patchRoundTrip();
      proxy.fixture.google.setDefaultTurn(trip.turn);
      proxy.fixture.google.requireThoughtSignatures(true);
      const ran = await run(proxy, trip.prompt, { model: "gpt-5.5" });
      expectPrinted(ran, trip.finalText);
      expect(trip.patchResults, ran.describe()).toHaveLength(1);
      expect(JSON.stringify(trip.patchResults[0])).toContain("Success. Updated the following files");
      expect(trip.readBack, ran.describe()).toHaveLength(1);
      const outputs = proxy.requests.map((r) => JSON.stringify(r.body.input));
      expect(outputs.filter((input) => input.includes('"custom_tool_call_output"'))).toHaveLength(2);
      expectCleanTraffic(proxy, 3);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "without a model in config.toml, prints the answer to a plain prompt, asked of the model its default name maps to, with the tools Codex listed in its input",
    async () => {
      await using proxy = await startClaudeCodeProxy({
        profile: "gemini",
        emails: [ACCOUNT],
        clientName: "Codex",
      });
      const ran = await run(proxy, "Say hello", { model: null });
      expectPrinted(ran, `answered by ${ACCOUNT}`);
      // Codex 0.171.0's default is gpt-6.2-sol: a gpt-* name, served by gemini-2.5-pro.
      expect(proxy.requests[0]?.body.model).toBe("gpt-6.2-sol");
      expect(proxy.fixture.google.upstreamRequests.map((r) => r.path)).toEqual([UPSTREAM_STREAM.gemini]);
      // Its tools came as an additional_tools input item; Gemini is told about them all the same.
      expect(proxy.fixture.google.upstreamRequests[0]?.text).toContain('"name":"functions.exec"');
      expectCleanTraffic(proxy, 1);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "every call of one Codex session goes to the same account, by its prompt_cache_key",
    async () => {
      const emails = ["ada@example.com", "bob@example.com", "cyd@example.com"];
      const strategy = createStickyStrategy({ clock: new FakeClock(), idleMs: 3_600_000 });
      await using proxy = await startClaudeCodeProxy({
        profile: "gemini",
        emails,
        strategy,
        clientName: "Codex",
      });
      const trip = shellRoundTrip();
      const served: string[] = [];
      proxy.fixture.google.setDefaultTurn((call) => {
        served.push(call.email);
        return trip.turn(call);
      });
      const ran = await run(proxy, trip.prompt);
      expectPrinted(ran, trip.finalText);
      expect(served.length).toBeGreaterThanOrEqual(2);
      expect(new Set(served).size).toBe(1);
      const keys = new Set(proxy.requests.map((r) => r.body.prompt_cache_key));
      expect(keys.size).toBe(1);
      expect([...keys][0]).toBe(proxy.requests[0]?.headers["session-id"]);
      expect(strategy.boundSessions()).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "with supports_websockets on, its WebSocket upgrade is refused with a 426 and it falls back to HTTP at once",
    async () => {
      await using proxy = await startClaudeCodeProxy({
        profile: "gemini",
        emails: [ACCOUNT],
        clientName: "Codex",
      });
      const ran = await run(proxy, "Say hello", {
        args: ["-c", "model_providers.grantpool.supports_websockets=true"],
      });
      expectPrinted(ran, `answered by ${ACCOUNT}`);
      const upgrades = proxy.requests.filter((r) => r.method === "GET");
      expect(upgrades.map((r) => [r.status, r.target, r.headers.upgrade])).toEqual([
        [426, "/v1/responses", "websocket"],
      ]);
      expectCleanTraffic(proxy, 1);
    },
    TEST_TIMEOUT_MS,
  );
});
