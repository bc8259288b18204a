/**
 * The Responses API through grantpool as the official OpenAI SDK sees it, on both upstream
 * profiles: a whole response, a streamed one (the exact event sequence, with sequence numbers),
 * a function call round trip with `store: false` in which Gemini 3's thought signature travels in
 * the reasoning item's `encrypted_content` and comes back on the call it signed, reasoning
 * summaries, Codex-style tools (custom freeform tools, namespaces, tools grantpool cannot run),
 * and the WebSocket attempt refused so that Codex falls back to HTTP.
 */
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import {
  geminiRequestOf,
  generateCalls,
  PROFILES,
  upstreamModelOf,
} from "../../support/anthropic-sdk-fixture.ts";
import { declaredFunctionNames, newThoughtSignature } from "../../support/google-emulator-turns.ts";
import { apiFailure, startOpenAiFixture } from "../../support/openai-sdk-fixture.ts";

const A = "alice@example.com";
const SHELL: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "shell",
  description: "Runs a shell command",
  strict: false,
  parameters: {
    type: "object",
    properties: { command: { type: "array", items: { type: "string" } } },
    required: ["command"],
  },
};

describe.each(PROFILES)("responses on the %s profile", (profile) => {
  test("responses.create answers with a message item, usage and the request's settings echoed", async () => {
    await using f = await startOpenAiFixture({ emails: [A], profile });
    f.app.google.scriptTurns({ parts: [{ text: "Hi, Ada." }], cachedTokens: 2 });
    const response = await f.client().responses.create({
      model: "gpt-5-mini",
      instructions: "Be kind.",
      input: "hello",
      max_output_tokens: 500,
      store: false,
    });
    expect(response.object).toBe("response");
    expect(response.id).toStartWith("resp_");
    expect(response.status).toBe("completed");
    expect(response.created_at).toBe(Math.floor(f.app.clock.now() / 1000));
    expect(response.output_text).toBe("Hi, Ada.");
    expect(response.output).toEqual([
      {
        id: expect.stringMatching(/^msg_/),
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Hi, Ada.", annotations: [], logprobs: [] }],
      },
    ]);
    expect(response.usage?.input_tokens_details.cached_tokens).toBe(2);
    expect(response.instructions).toBe("Be kind.");
    expect(response.max_output_tokens).toBe(500);
    const call = generateCalls(f.app)[0];
    expect(upstreamModelOf(call)).toBe("gemini-2.5-flash");
    expect(geminiRequestOf(call)).toMatchObject({
      systemInstruction: { parts: [{ text: "Be kind." }] },
      contents: [{ role: "user", parts: [{ text: "hello" }] }],
      generationConfig: { maxOutputTokens: 500 },
    });
  });

  test("a stream is the exact event sequence, numbered from 0, and the SDK's helper assembles it", async () => {
    await using f = await startOpenAiFixture({ emails: [A], profile });
    f.app.google.scriptTurns({
      parts: [
        { text: "Thinking about it.", thought: true, thoughtSignature: newThoughtSignature() },
        { text: "The answer." },
      ],
    });
    const stream = await f.client().responses.create({
      model: "o3",
      input: [{ role: "user", content: [{ type: "input_text", text: "why?" }] }],
      reasoning: { effort: "high", summary: "auto" },
      stream: true,
    });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
    const reasoning = completed.response.output[0] as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.summary).toEqual([{ type: "summary_text", text: "Thinking about it." }]);
    expect(reasoning.encrypted_content).toBeString();
    expect(completed.response.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(geminiRequestOf(generateCalls(f.app)[0]).generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 16384, includeThoughts: true },
    });

    f.app.google.scriptTurns({ parts: [{ text: "Again." }] });
    const final = await f.client().responses.stream({ model: "o3", input: "and?" }).finalResponse();
    expect(final.output_text).toBe("Again.");
  });

  test("on Gemini 3, a streamed function call's signature travels in encrypted_content and comes back on the call with store: false", async () => {
    await using f = await startOpenAiFixture({
      emails: [A],
      profile,
      modelMap: ["gpt-*=gemini-3-pro-preview"],
    });
    f.app.google.requireThoughtSignatures(true);
    const signature = newThoughtSignature();
    f.app.google.scriptTurns(
      {
        parts: [
          { text: "Let me list the files." },
          { functionCall: { name: "shell", args: { command: ["ls"] } }, thoughtSignature: signature },
        ],
      },
      { parts: [{ text: "Two files." }] },
    );
    const client = f.client();
    const ask: OpenAI.Responses.ResponseInputItem = { role: "user", content: "What is here?" };
    const params = {
      model: "gpt-5.1-codex-max",
      tools: [SHELL],
      tool_choice: "auto" as const,
      parallel_tool_calls: false,
      store: false,
      include: ["reasoning.encrypted_content" as const],
      reasoning: { effort: "medium" as const },
      prompt_cache_key: "conversation-1",
    };
    const stream = await client.responses.create({ ...params, input: [ask], stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const types = events.map((e) => e.type);
    expect(types).toContain("response.function_call_arguments.delta");
    expect(types).toContain("response.function_call_arguments.done");
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.type).toBe("response.completed");
    const output = completed.response.output;
    expect(output.map((item) => item.type)).toEqual(["message", "reasoning", "function_call"]);
    const call = output[2] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ name: "shell", arguments: '{"command":["ls"]}', status: "completed" });
    expect(call.call_id).toStartWith("call_");
    const reasoning = output[1] as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.summary).toEqual([]);
    expect(reasoning.encrypted_content).toBeString();
    expect(reasoning.encrypted_content).not.toBe(signature);

    // Codex sends back every item it got (as input items, without ids), and the call's output.
    const replay = output.map((item) => {
      const { id: _id, status: _status, ...rest } = item as unknown as Record<string, unknown>;
      return rest as unknown as OpenAI.Responses.ResponseInputItem;
    });
    const second = await client.responses.create({
      ...params,
      input: [
        ask,
        ...replay,
        { type: "function_call_output", call_id: call.call_id, output: "a.txt\nb.txt" },
      ],
    });
    expect(second.output_text).toBe("Two files.");
    const sent = geminiRequestOf(generateCalls(f.app)[1]);
    expect(sent.contents).toEqual([
      { role: "user", parts: [{ text: "What is here?" }] },
      {
        role: "model",
        parts: [
          { text: "Let me list the files." },
          { functionCall: { name: "shell", args: { command: ["ls"] } }, thoughtSignature: signature },
        ],
      },
      {
        role: "user",
        parts: [{ functionResponse: { name: "shell", response: { output: "a.txt\nb.txt" } } }],
      },
    ]);
  });

  test("Codex's tools: custom freeform tools come back as custom_tool_call, namespaces are flattened, hosted tools are left out", async () => {
    await using f = await startOpenAiFixture({ emails: [A], profile });
    f.app.google.scriptTurns(
      (call) => {
        const names = declaredFunctionNames(call.request);
        return {
          parts: [
            { functionCall: { name: "apply_patch", args: { input: "*** Begin Patch\n*** End Patch" } } },
            { functionCall: { name: names.find((n) => n.startsWith("crm.")) ?? "?", args: { id: 7 } } },
          ],
        };
      },
      { parts: [{ text: "Patched." }] },
    );
    const tools = [
      SHELL,
      {
        type: "custom",
        name: "apply_patch",
        description: "Edits files.",
        format: { type: "grammar", syntax: "lark", definition: 'start: "*** Begin Patch" ' },
      },
      {
        type: "namespace",
        name: "crm",
        description: "Customer records",
        tools: [
          {
            type: "function",
            name: "lookup",
            parameters: { type: "object", properties: { id: { type: "integer" } } },
          },
        ],
      },
      { type: "local_shell" },
      { type: "web_search" },
    ] as unknown as OpenAI.Responses.Tool[];
    const client = f.client();
    const first = await client.responses.create({ model: "gpt-5", input: "fix it", tools, store: false });
    const declared = geminiRequestOf(generateCalls(f.app)[0]) as {
      tools: {
        functionDeclarations: { name: string; description: string; parametersJsonSchema: unknown }[];
      }[];
    };
    const declarations = declared.tools[0]?.functionDeclarations ?? [];
    expect(declarations.map((d) => d.name)).toEqual(["shell", "apply_patch", "crm.lookup"]);
    expect(declarations[1]?.description).toContain("lark grammar");
    expect(declarations[1]?.parametersJsonSchema).toMatchObject({ required: ["input"] });
    expect(first.output).toMatchObject([
      { type: "custom_tool_call", name: "apply_patch", input: "*** Begin Patch\n*** End Patch" },
      { type: "function_call", name: "lookup", namespace: "crm", arguments: '{"id":7}' },
    ]);

    const [patch, lookup] = first.output as [
      OpenAI.Responses.ResponseCustomToolCall,
      OpenAI.Responses.ResponseFunctionToolCall,
    ];
    await client.responses.create({
      model: "gpt-5",
      tools,
      store: false,
      input: [
        { role: "user", content: "fix it" },
        { type: "custom_tool_call", call_id: patch.call_id, name: "apply_patch", input: patch.input },
        {
          type: "function_call",
          call_id: lookup.call_id,
          name: "lookup",
          namespace: "crm",
          arguments: lookup.arguments,
        } as OpenAI.Responses.ResponseInputItem,
        { type: "custom_tool_call_output", call_id: patch.call_id, output: "Done!" },
        {
          type: "function_call_output",
          call_id: lookup.call_id,
          output: [{ type: "input_text", text: "Ada" }],
        },
      ],
    });
    const replayed = geminiRequestOf(generateCalls(f.app)[1]);
    expect(replayed.contents).toMatchObject([
      { role: "user" },
      {
        role: "model",
        parts: [
          { functionCall: { name: "apply_patch", args: { input: "*** Begin Patch\n*** End Patch" } } },
          { functionCall: { name: "crm.lookup", args: { id: 7 } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "apply_patch", response: { output: "Done!" } } },
          { functionResponse: { name: "crm.lookup", response: { output: "Ada" } } },
        ],
      },
    ]);
  });
});

describe("what the Responses route refuses", () => {
  test("a WebSocket upgrade on GET /v1/responses is a 426 in OpenAI's shape; a plain GET a 405", async () => {
    await using f = await startOpenAiFixture({ emails: [A] });
    const upgrade = await fetch(`${f.server.url.replace(/\/$/, "")}/v1/responses`, {
      headers: {
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    expect(upgrade.status).toBe(426);
    expect(((await upgrade.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    const plain = await f.app.handle(new Request("http://localhost/v1/responses"));
    expect(plain.status).toBe(405);
    expect(f.app.google.calls.upstream).toBe(0);
  });

  test("previous_response_id, a remote image and a malformed item are 400s naming the field", async () => {
    await using f = await startOpenAiFixture({ emails: [A] });
    const client = f.client();
    const previous = await apiFailure(
      client.responses.create({ model: "gpt-5", input: "hi", previous_response_id: "resp_1" }),
    );
    expect(previous).toBeInstanceOf(OpenAI.BadRequestError);
    expect(previous.message).toContain("previous_response_id: not supported");
    const image = await apiFailure(
      client.responses.create({
        model: "gpt-5",
        input: [
          {
            role: "user",
            content: [{ type: "input_image", image_url: "https://example.com/a.png", detail: "auto" }],
          },
        ],
      }),
    );
    expect(image.message).toContain("input[0].content[0].image_url: remote URLs are not supported");
    const item = await apiFailure(
      client.responses.create({
        model: "gpt-5",
        input: [
          { type: "function_call_output", output: "x" } as unknown as OpenAI.Responses.ResponseInputItem,
        ],
      }),
    );
    expect(item.message).toContain("input[0].call_id: must be a string");
    expect(f.app.google.calls.upstream).toBe(0);
  });

  test("a stream that fails after it began ends with response.failed carrying the error", async () => {
    await using f = await startOpenAiFixture({ emails: [A] });
    f.app.google.scriptTurns({ parts: [{ text: "one two three four" }], piecesPerText: 4 });
    f.app.google.failStreams({ kind: "error_event", afterEvents: 2 }, { times: 1 });
    const stream = await f.client().responses.create({ model: "gpt-5", input: "hi", stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const failed = events.at(-1) as OpenAI.Responses.ResponseFailedEvent;
    expect(failed.type).toBe("response.failed");
    expect(failed.response.status).toBe("failed");
    expect(failed.response.error?.message).toContain("overloaded");
  });
});
