/**
 * Google's Python SDK (`google-genai` from PyPI, pinned; scripts/ensure-google-genai-python.mjs)
 * with its default settings — only base_url and the key set, so it calls `/v1/…` — through
 * grantpool and the Google emulator: generate_content, a stream, count_tokens, models.list and
 * models.get, embed_content (test/support/google-genai-python-client.py).
 */
import { describe, expect, test } from "bun:test";
import { startGoogleSdkFixture } from "../../support/google-sdk-fixture.ts";
import { runPythonScript } from "../../support/python-runner.ts";
import { rememberSecret } from "../../support/secret-scan.ts";

/** A run takes about a second here (Python and pydantic start slowly); the deadline is for a loaded machine. */
const RUN_TIMEOUT_MS = 30_000;
const A = "alice@example.com";
const KEY = "python-sdk-client-key-0123456789";
rememberSecret(KEY);

describe("google-genai (Python) through grantpool", () => {
  test(
    "every call of the script answers, on the SDK's default /v1 paths",
    async () => {
      await using f = await startGoogleSdkFixture({
        emails: [A],
        authMode: "all_except_health",
        apiKeys: [KEY],
      });
      f.app.google.setStreamChunks(["one ", "two ", "three"]);
      const run = await runPythonScript(
        "google-genai-python-client.py",
        { GRANTPOOL_URL: f.server.url, GRANTPOOL_KEY: KEY },
        RUN_TIMEOUT_MS,
      );
      const through = f.received.map((r) => `${r.method} ${r.target}`).join("\n");
      if (run.code !== 0) {
        throw new Error(
          `python exited ${run.code}${run.timedOut ? " (killed at the deadline)" : ""}\nstderr:\n${run.stderr.slice(-3000)}\nrequests that reached grantpool:\n${through}`,
        );
      }
      expect(JSON.parse(run.stdout)).toEqual({
        generate: "answered by alice@example.com",
        stream: ["one ", "two ", "three"],
        count: expect.any(Number),
        list: expect.arrayContaining(["models/gemini-2.5-flash", "models/gemini-embedding-001"]),
        get: { name: "models/gemini-2.5-pro", display_name: "Gemini 2.5 Pro" },
        embed: [8, 8],
      });
      expect(f.received.map((r) => `${r.method} ${r.target.split("?")[0]}`)).toEqual([
        "POST /v1/models/gemini-2.5-flash:generateContent",
        "POST /v1/models/gemini-2.5-flash:streamGenerateContent",
        "POST /v1/models/gemini-2.5-flash:countTokens",
        "GET /v1/models",
        "GET /v1/models/gemini-2.5-pro",
        "POST /v1/models/gemini-embedding-001:batchEmbedContents",
      ]);
      for (const request of f.app.google.upstreamRequests) {
        expect(JSON.stringify(request)).not.toContain(KEY);
        expect(request.headers["user-agent"]).toMatch(/google-genai-sdk\/3\.6\.1 .*grantpool\/test$/);
      }
    },
    RUN_TIMEOUT_MS + 15_000,
  );
});
