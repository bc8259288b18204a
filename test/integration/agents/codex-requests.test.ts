/**
 * What Codex itself (npm's @openai/codex, installed by `npm test` into a cache: see
 * scripts/ensure-codex.mjs) sends to a `wire_api = "responses"` provider and accepts back, taken
 * against a recording stand-in for the Responses API (responses-capture.ts), without grantpool in
 * between: the contract grantpool's `POST /v1/responses` serves Codex by. A Codex upgrade that
 * changes it fails here first, by name, rather than as a puzzling failure of codex.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { CODEX_VERSION } from "../../../scripts/ensure-codex.mjs";
import { type CodexRun, runCodex } from "../../support/codex-runner.ts";
import {
  type CapturedRequest,
  type CapturedTurn,
  startResponsesCapture,
} from "../../support/responses-capture.ts";

const RUN_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = RUN_TIMEOUT_MS + 15_000;
/** The README's model: a Gemini name, unknown to Codex, so it declares plain function tools. */
const MODEL = "gemini-2.5-pro";

type Json = Record<string, unknown>;

async function capturedRun(
  script: (body: Json, index: number) => CapturedTurn,
  prompt: string,
): Promise<{ run: CodexRun; requests: readonly CapturedRequest[]; apiKey: string }> {
  await using capture = startResponsesCapture(script);
  const apiKey = `client-key-codex-${crypto.randomUUID()}`;
  const run = await runCodex({
    baseUrl: capture.baseUrl,
    apiKey,
    prompt,
    model: MODEL,
    timeoutMs: RUN_TIMEOUT_MS,
  });
  expect(run.timedOut, run.describe()).toBe(false);
  expect(run.exitCode, run.describe()).toBe(0);
  return { run, requests: [...capture.requests], apiKey };
}

function bodyOf(request: CapturedRequest | undefined): Json {
  const body = request?.body;
  return typeof body === "object" && body !== null ? (body as Json) : {};
}

function items(body: Json): Json[] {
  return Array.isArray(body.input) ? (body.input as Json[]) : [];
}

function toolsOf(body: Json): { type: unknown; name: unknown }[] {
  const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
  return tools.map((tool) => ({ type: tool.type, name: tool.name }));
}

describe("what Codex sends to a Responses provider", () => {
  test(
    "one streamed POST /v1/responses with its key as a bearer token, the system prompt as developer messages, store off and the reasoning blobs asked for",
    async () => {
      const marker = `plain-${crypto.randomUUID()}`;
      const { run, requests, apiKey } = await capturedRun(
        () => ({ text: `hello ${marker}` }),
        `Say hi ${marker}`,
      );
      expect(run.stdout.trim(), run.describe()).toBe(`hello ${marker}`);
      expect(requests.map((r) => `${r.method} ${r.target}`)).toEqual(["POST /v1/responses"]);
      const [request] = requests;
      expect(request?.authorization).toBe(`Bearer ${apiKey}`);
      expect(request?.headers.accept).toBe("text/event-stream");
      expect(request?.headers["user-agent"]).toStartWith(`codex_exec/${CODEX_VERSION} `);
      const body = bodyOf(request);
      expect(body).toMatchObject({
        model: MODEL,
        stream: true,
        store: false,
        include: ["reasoning.encrypted_content"],
        tool_choice: "auto",
        prompt_cache_key: request?.headers["session-id"],
      });
      expect(body.instructions).toBeUndefined();
      const roles = items(body).map((item) => `${item.type}/${item.role}`);
      expect(roles.slice(0, 2)).toEqual(["message/developer", "message/developer"]);
      expect(roles.at(-1)).toBe("message/user");
      expect(JSON.stringify(items(body).at(-1))).toContain(marker);
      expect(toolsOf(body)).toContainEqual({ type: "function", name: "exec_command" });
      expect(toolsOf(body).map((t) => t.type)).toEqual(expect.arrayContaining(["namespace", "web_search"]));
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "runs the exec_command call it is sent, then sends back the reasoning item (its encrypted_content untouched), the call and the command's output as a string",
    async () => {
      const blob = `blob-${crypto.randomUUID()}`;
      const cmd = `echo "codex-$((6*7))"`;
      const { run, requests } = await capturedRun(
        (_, index) =>
          index === 0
            ? {
                reasoning: { summary: "**Running it**", encryptedContent: blob },
                functionCall: { name: "exec_command", arguments: JSON.stringify({ cmd }) },
              }
            : { text: "done" },
        "Run the command",
      );
      expect(run.stdout.trim(), run.describe()).toBe("done");
      expect(requests).toHaveLength(2);
      const replayed = items(bodyOf(requests[1])).filter((item) => item.type !== "message");
      expect(replayed).toEqual([
        {
          type: "reasoning",
          id: "rs_0",
          summary: [{ type: "summary_text", text: "**Running it**" }],
          content: null,
          encrypted_content: blob,
        },
        {
          type: "function_call",
          id: "fc_0",
          status: "completed",
          call_id: "call_0",
          name: "exec_command",
          arguments: JSON.stringify({ cmd }),
        },
        {
          type: "function_call_output",
          id: expect.stringMatching(/^fco_/),
          call_id: "call_0",
          output: expect.stringContaining("codex-42"),
        },
      ]);
      // The same session from turn to turn: what a sticky pool binds on.
      expect(new Set(requests.map((r) => r.headers["session-id"])).size).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );
});
