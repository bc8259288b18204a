/**
 * A request shaped like the ones Codex CLI (`wire_api = "responses"`) sends, over plain HTTP as
 * Codex sends it: developer and user messages, its usual tools (function tools, the freeform
 * `apply_patch`, hosted `web_search` and `local_shell`), `store: false`, reasoning summaries,
 * `include: ["reasoning.encrypted_content"]`, `text.verbosity`, a `prompt_cache_key`. The reply is
 * an SSE stream whose events carry what Codex reads.
 */
import { expect, test } from "bun:test";
import { geminiRequestOf, generateCalls } from "../../support/anthropic-sdk-fixture.ts";
import { declaredFunctionNames } from "../../support/google-emulator-turns.ts";
import { startOpenAiFixture } from "../../support/openai-sdk-fixture.ts";

const CODEX_BODY = {
  model: "gpt-5.1-codex-max",
  instructions: "You are Codex, a coding agent.",
  input: [
    {
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text: "<permissions>…</permissions>" }],
    },
    {
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: "<environment_context>…</environment_context>" }],
    },
    { type: "message", role: "user", content: [{ type: "input_text", text: "List the files." }] },
  ],
  tools: [
    {
      type: "function",
      name: "shell",
      description: "Runs a shell command and returns its output.",
      strict: false,
      parameters: {
        type: "object",
        properties: {
          command: { type: "array", items: { type: "string" } },
          workdir: { type: "string" },
          timeout_ms: { type: "number" },
        },
        required: ["command"],
        additionalProperties: false,
      },
    },
    {
      type: "function",
      name: "update_plan",
      description: "Updates the plan.",
      strict: false,
      parameters: { type: "object", properties: { plan: { type: "array", items: { type: "object" } } } },
    },
    {
      type: "custom",
      name: "apply_patch",
      description: "Use the `apply_patch` tool to edit files.",
      format: {
        type: "grammar",
        syntax: "lark",
        definition: 'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF',
      },
    },
    { type: "web_search" },
    { type: "local_shell" },
  ],
  tool_choice: "auto",
  parallel_tool_calls: false,
  reasoning: { effort: "medium", summary: "auto" },
  store: false,
  stream: true,
  include: ["reasoning.encrypted_content"],
  prompt_cache_key: "0199a1b2-c3d4-7e8f-9a0b-1c2d3e4f5a6b",
  text: { verbosity: "medium" },
};

test("a Codex-shaped streamed request is served as Responses SSE events with a shell call", async () => {
  await using f = await startOpenAiFixture({ emails: ["alice@example.com"] });
  f.app.google.scriptTurns({
    parts: [
      { text: "Listing files.", thought: true, thoughtSignature: "c2ln" },
      { functionCall: { name: "shell", args: { command: ["ls", "-la"] } } },
    ],
  });
  const reply = await fetch(`${f.server.url.replace(/\/$/, "")}/v1/responses`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "text/event-stream",
      authorization: "Bearer sk-codex-unchecked",
      originator: "codex_exec",
      session_id: CODEX_BODY.prompt_cache_key,
    },
    body: JSON.stringify(CODEX_BODY),
  });
  expect(reply.status).toBe(200);
  expect(reply.headers.get("content-type")).toStartWith("text/event-stream");
  const events = (await reply.text())
    .split("\n\n")
    .filter((frame) => frame !== "")
    .map((frame) => JSON.parse(frame.slice(frame.indexOf("data: ") + 6)) as Record<string, unknown>);
  expect(events[0]?.type).toBe("response.created");
  const done = events.filter((e) => e.type === "response.output_item.done").map((e) => e.item);
  expect(done).toMatchObject([
    { type: "reasoning", summary: [{ type: "summary_text", text: "Listing files." }] },
    { type: "function_call", name: "shell", arguments: '{"command":["ls","-la"]}' },
  ]);
  const completed = events.at(-1) as {
    type: string;
    response: { id: string; usage: Record<string, unknown> };
  };
  expect(completed.type).toBe("response.completed");
  expect(completed.response.usage).toMatchObject({
    input_tokens: expect.any(Number),
    output_tokens: expect.any(Number),
  });

  const sent = geminiRequestOf(generateCalls(f.app)[0]);
  expect(declaredFunctionNames(sent)).toEqual(["shell", "update_plan", "apply_patch"]);
  expect(sent.systemInstruction).toEqual({
    parts: [{ text: "You are Codex, a coding agent." }, { text: "<permissions>…</permissions>" }],
  });
  expect(sent.contents).toEqual([
    {
      role: "user",
      parts: [{ text: "<environment_context>…</environment_context>" }, { text: "List the files." }],
    },
  ]);
  expect(sent.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: -1, includeThoughts: true } });
});
