/**
 * Gemini CLI itself (npm's @google/gemini-cli, installed by `npm test` into a cache: see
 * scripts/ensure-gemini-cli.mjs) run non-interactively (`gemini -p`) with its own HOME and
 * workspace, pointed at grantpool by GOOGLE_GEMINI_BASE_URL and GEMINI_API_KEY (a grantpool client
 * key), through the Google emulator, on both upstream profiles: a plain prompt, and a prompt
 * answered through one call of Gemini CLI's own read_file tool. The model is named (`-m`): left to
 * choose, Gemini CLI first asks a router model for a JSON verdict on the prompt.
 */
import { describe, expect, test } from "bun:test";
import {
  CLAUDE_CODE_ACCOUNT,
  type ClaudeCodeProxy,
  startClaudeCodeProxy,
} from "../../support/claude-code-proxy.ts";
import { type GeminiCliRun, responseOf, runGeminiCli } from "../../support/gemini-cli-runner.ts";
import { readFileRoundTrip } from "../../support/gemini-cli-turns.ts";

/** A run takes about two seconds here; the deadline is for a loaded machine. */
const RUN_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = RUN_TIMEOUT_MS + 15_000;
const MODEL = "gemini-2.5-flash";

/** One run; a failing assertion's message also says what went through grantpool meanwhile. */
async function run(
  proxy: ClaudeCodeProxy,
  prompt: string,
  files: Record<string, string> = {},
): Promise<GeminiCliRun> {
  const ran = await runGeminiCli({
    baseUrl: proxy.url,
    apiKey: proxy.apiKey,
    args: ["-p", prompt, "-m", MODEL, "--output-format", "json"],
    files,
    timeoutMs: RUN_TIMEOUT_MS,
  });
  return { ...ran, describe: () => `${ran.describe()}\n${proxy.describeTraffic()}` };
}

function succeeded(run: GeminiCliRun): ReturnType<typeof responseOf> {
  expect(run.timedOut, run.describe()).toBe(false);
  expect(run.exitCode, run.describe()).toBe(0);
  return responseOf(run);
}

/**
 * What holds after every run: Gemini CLI's calls were Gemini-native and served, it named itself
 * in its user agent (passed on with grantpool's token), and its key went no further than grantpool.
 */
function expectCleanTraffic(proxy: ClaudeCodeProxy): void {
  expect(proxy.requests.length).toBeGreaterThan(0);
  for (const request of proxy.requests) {
    expect(request.target).toMatch(/^\/v1(beta)?\/models\/gemini-2\.5-flash:/);
    expect(request.status).toBe(200);
    expect(request.headers["user-agent"]).toMatch(/^GeminiCLI/);
  }
  const google = proxy.fixture.google.upstreamRequests;
  expect(google.length).toBeGreaterThan(0);
  for (const request of google) {
    expect(JSON.stringify(request)).not.toContain(proxy.apiKey);
    expect(request.headers.authorization).toMatch(/^Bearer ya29\.emu-/);
    if (!request.path.endsWith(":loadCodeAssist")) {
      expect(request.headers["user-agent"]).toMatch(/^GeminiCLI.* grantpool\/test$/);
    }
  }
  expect(proxy.fixture.log.lines.join("\n")).not.toContain(proxy.apiKey);
}

describe.each(["gemini", "code-assist"] as const)("Gemini CLI through grantpool (%s profile)", (profile) => {
  test(
    "prints the answer of a pool account to a plain prompt",
    async () => {
      await using proxy = await startClaudeCodeProxy({ profile, clientName: "Gemini CLI" });
      const marker = `plain-${crypto.randomUUID()}`;
      const ran = await run(proxy, `Say hello to ${marker}`);
      expect(succeeded(ran).response).toBe(`answered by ${CLAUDE_CODE_ACCOUNT}`);
      const sent = proxy.fixture.google.upstreamRequests.filter((r) =>
        JSON.stringify(r.body).includes(marker),
      );
      expect(sent.length).toBeGreaterThan(0);
      expectCleanTraffic(proxy);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "runs the read_file call the model asks for, sends back the file's text, and prints the model's answer built from it",
    async () => {
      await using proxy = await startClaudeCodeProxy({ profile, clientName: "Gemini CLI" });
      const trip = readFileRoundTrip();
      proxy.fixture.google.setDefaultTurn(trip.turn);
      const ran = await run(proxy, trip.prompt, { [trip.fileName]: trip.fileText });
      const result = succeeded(ran);
      expect(trip.calls(), ran.describe()).toBe(1);
      expect(trip.responses).toHaveLength(1);
      expect(JSON.stringify(trip.responses[0])).toContain(trip.fileText.trim());
      expect(result.response).toBe(trip.finalText);
      expectCleanTraffic(proxy);
    },
    TEST_TIMEOUT_MS,
  );
});
