/**
 * Gemini CLI itself (npm's @google/gemini-cli, installed by `npm test` into a cache: see
 * scripts/ensure-gemini-cli.mjs) run non-interactively (`gemini -p`) with its own HOME and
 * workspace, pointed at grantpool by GOOGLE_GEMINI_BASE_URL and GEMINI_API_KEY (a grantpool client
 * key), through the Google emulator, on both upstream profiles: a plain prompt with the model
 * named (`-m`), a plain prompt with the model left to Gemini CLI (which first asks a router model
 * for a JSON verdict on the prompt, then calls the model it chose), and a prompt answered through
 * one call of Gemini CLI's own read_file tool.
 */
import { describe, expect, test } from "bun:test";
import {
  CLAUDE_CODE_ACCOUNT,
  type ClaudeCodeProxy,
  startClaudeCodeProxy,
} from "../../support/claude-code-proxy.ts";
import { type GeminiCliRun, responseOf, runGeminiCli } from "../../support/gemini-cli-runner.ts";
import { readFileRoundTrip, routerTurn } from "../../support/gemini-cli-turns.ts";

/** A run takes about two seconds here; the deadline is for a loaded machine. */
const RUN_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = RUN_TIMEOUT_MS + 15_000;

/** One run; a failing assertion's message also says what went through grantpool meanwhile. */
async function run(
  proxy: ClaudeCodeProxy,
  prompt: string,
  options: { model?: string; files?: Record<string, string> } = {},
): Promise<GeminiCliRun> {
  const model = options.model === undefined ? [] : ["-m", options.model];
  const ran = await runGeminiCli({
    baseUrl: proxy.url,
    apiKey: proxy.apiKey,
    args: ["-p", prompt, ...model, "--output-format", "json"],
    files: options.files ?? {},
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
    expect(request.target).toMatch(/^\/v1(beta)?\/models\/gemini-[\w.-]+:(streamG|g)enerateContent/);
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
    "prints the answer of a pool account to a plain prompt, from the model named by -m",
    async () => {
      await using proxy = await startClaudeCodeProxy({ profile, clientName: "Gemini CLI" });
      const marker = `plain-${crypto.randomUUID()}`;
      const ran = await run(proxy, `Say hello to ${marker}`, { model: "gemini-2.5-flash" });
      expect(succeeded(ran).response).toBe(`answered by ${CLAUDE_CODE_ACCOUNT}`);
      expect(proxy.requests.map((r) => r.target)).toEqual([
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
      ]);
      const sent = proxy.fixture.google.upstreamRequests.filter((r) =>
        JSON.stringify(r.body).includes(marker),
      );
      expect(sent.length).toBeGreaterThan(0);
      expectCleanTraffic(proxy);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "left to choose the model, asks the router model for its verdict and prints the chosen model's answer",
    async () => {
      await using proxy = await startClaudeCodeProxy({ profile, clientName: "Gemini CLI" });
      const models: string[] = [];
      proxy.fixture.google.setDefaultTurn((call) => {
        models.push(call.model);
        return routerTurn(call) ?? { parts: [{ text: `answered by ${call.model}` }] };
      });
      const ran = await run(proxy, "Say hello");
      expect(models, ran.describe()).toHaveLength(2);
      expect(succeeded(ran).response).toBe(`answered by ${models[1]}`);
      expect(proxy.requests.map((r) => r.target.replace(/models\/[^:]+/, "models/{model}"))).toEqual([
        "/v1beta/models/{model}:generateContent",
        "/v1beta/models/{model}:streamGenerateContent?alt=sse",
      ]);
      expectCleanTraffic(proxy);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "runs the read_file call the model asks for, sends back the file's text with the call's thought signature, and prints the model's answer built from it",
    async () => {
      await using proxy = await startClaudeCodeProxy({ profile, clientName: "Gemini CLI" });
      const trip = readFileRoundTrip();
      proxy.fixture.google.setDefaultTurn(trip.turn);
      // Gemini 3 (the CLI's own choice) refuses a function response whose call comes back without its signature.
      proxy.fixture.google.requireThoughtSignatures(true);
      const ran = await run(proxy, trip.prompt, { files: { [trip.fileName]: trip.fileText } });
      const result = succeeded(ran);
      expect(trip.calls(), ran.describe()).toBe(1);
      expect(trip.responses).toHaveLength(1);
      expect(JSON.stringify(trip.responses[0])).toContain(trip.fileText.trim());
      expect(trip.signaturesBack).toContain(trip.signature);
      expect(result.response).toBe(trip.finalText);
      expectCleanTraffic(proxy);
    },
    TEST_TIMEOUT_MS,
  );
});
