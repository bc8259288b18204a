/** Chat Completions requests → Gemini requests, as a table of pairs, and the refusals. */
import { describe, expect, test } from "bun:test";
import { translateChatRequest } from "../../../../src/proxy/openai/chat-request.ts";

const BASE = { model: "gpt-4.1" } as const;
const HI = [{ role: "user", content: "hi" }];
const PARAMS = { type: "object", properties: { q: { type: "string" } }, required: ["q"] };

function body(fields: Record<string, unknown>, upstream?: string): Record<string, unknown> {
  const result = translateChatRequest(
    { ...BASE, ...fields },
    upstream === undefined ? {} : { upstreamModelFor: () => upstream },
  );
  if (!result.ok) throw new Error(`expected a translation, got the refusal: ${result.error}`);
  return result.value.body;
}

function refusal(fields: Record<string, unknown>): string {
  const result = translateChatRequest({ ...BASE, ...fields });
  if (result.ok) throw new Error("expected a refusal, got a translation");
  return result.error;
}

const PAIRS: ReadonlyArray<readonly [string, Record<string, unknown>, Record<string, unknown>]> = [
  [
    "a user string",
    { messages: HI },
    { contents: [{ role: "user", parts: [{ text: "hi" }] }], generationConfig: {} },
  ],
  [
    "system and developer messages anywhere → one system instruction",
    {
      messages: [
        { role: "system", content: "S" },
        { role: "user", content: "hi" },
        { role: "developer", content: [{ type: "text", text: "D" }] },
      ],
    },
    {
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      systemInstruction: { parts: [{ text: "S" }, { text: "D" }] },
      generationConfig: {},
    },
  ],
  [
    "consecutive user messages are merged",
    { messages: [...HI, { role: "user", content: [{ type: "text", text: "again" }] }] },
    { contents: [{ role: "user", parts: [{ text: "hi" }, { text: "again" }] }], generationConfig: {} },
  ],
  [
    "assistant tool calls and the tool results",
    {
      messages: [
        ...HI,
        {
          role: "assistant",
          content: "looking",
          tool_calls: [{ id: "c1", type: "function", function: { name: "find", arguments: '{"q":"x"}' } }],
        },
        { role: "tool", tool_call_id: "c1", content: "found" },
        { role: "tool", tool_call_id: "gone", content: "lost" },
      ],
      tools: [{ type: "function", function: { name: "find", parameters: PARAMS } }],
    },
    {
      contents: [
        { role: "user", parts: [{ text: "hi" }] },
        {
          role: "model",
          parts: [
            { text: "looking" },
            {
              functionCall: { name: "find", args: { q: "x" } },
              thoughtSignature: "skip_thought_signature_validator",
            },
          ],
        },
        {
          role: "user",
          parts: [
            { functionResponse: { name: "find", response: { output: "found" } } },
            { text: "Result of tool call gone:\nlost" },
          ],
        },
      ],
      tools: [
        { functionDeclarations: [{ name: "find", description: "find", parametersJsonSchema: PARAMS }] },
      ],
      generationConfig: {},
    },
  ],
  [
    "legacy function_call and function messages",
    {
      messages: [
        ...HI,
        { role: "assistant", content: null, function_call: { name: "f", arguments: "" } },
        { role: "function", name: "f", content: "r" },
      ],
    },
    {
      contents: [
        { role: "user", parts: [{ text: "hi" }] },
        {
          role: "model",
          parts: [
            { functionCall: { name: "f", args: {} }, thoughtSignature: "skip_thought_signature_validator" },
          ],
        },
        { role: "user", parts: [{ functionResponse: { name: "f", response: { output: "r" } } }] },
      ],
      generationConfig: {},
    },
  ],
  [
    "images, audio and files inline",
    {
      messages: [
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: "data:image/jpeg;base64,QUJD" } },
            { type: "input_audio", input_audio: { data: "REVG", format: "wav" } },
            { type: "file", file: { file_data: "data:application/pdf;base64,R0hJ", filename: "a.pdf" } },
          ],
        },
      ],
    },
    {
      contents: [
        {
          role: "user",
          parts: [
            { inlineData: { mimeType: "image/jpeg", data: "QUJD" } },
            { inlineData: { mimeType: "audio/wav", data: "REVG" } },
            { inlineData: { mimeType: "application/pdf", data: "R0hJ" } },
          ],
        },
      ],
      generationConfig: {},
    },
  ],
  [
    "sampling, limits and stops",
    {
      messages: HI,
      max_tokens: 100,
      temperature: 1.2,
      top_p: 0.5,
      seed: 7,
      stop: ["a", "", "b", "c", "d", "e", "f"],
    },
    {
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      generationConfig: {
        maxOutputTokens: 100,
        temperature: 1.2,
        topP: 0.5,
        seed: 7,
        stopSequences: ["a", "b", "c", "d", "e"],
      },
    },
  ],
  [
    "max_completion_tokens wins over max_tokens and is clamped",
    { messages: HI, max_tokens: 10, max_completion_tokens: 1_000_000 },
    { contents: [{ role: "user", parts: [{ text: "hi" }] }], generationConfig: { maxOutputTokens: 65536 } },
  ],
  [
    "custom tools are left out; tool_choice required → ANY",
    {
      messages: HI,
      tools: [
        { type: "custom", custom: { name: "patch" } },
        { type: "function", function: { name: "find" } },
      ],
      tool_choice: "required",
    },
    {
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      tools: [
        {
          functionDeclarations: [
            { name: "find", description: "find", parametersJsonSchema: { type: "object", properties: {} } },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: "ANY" } },
      generationConfig: {},
    },
  ],
  [
    "allowed_tools limits the functions",
    {
      messages: HI,
      tools: [
        { type: "function", function: { name: "a" } },
        { type: "function", function: { name: "b" } },
      ],
      tool_choice: {
        type: "allowed_tools",
        allowed_tools: { mode: "auto", tools: [{ type: "function", function: { name: "b" } }] },
      },
    },
    {
      toolConfig: { functionCallingConfig: { mode: "AUTO", allowedFunctionNames: ["b"] } },
    },
  ],
  [
    "tool_choice without tools sends no config",
    { messages: HI, tool_choice: "none" },
    { contents: [{ role: "user", parts: [{ text: "hi" }] }], generationConfig: {} },
  ],
];

describe("chat completions → Gemini", () => {
  test.each(PAIRS)("%s", (_name, request, expected) => {
    expect(body(request)).toMatchObject(expected);
    if (!("toolConfig" in expected) || "contents" in expected) {
      const keys = Object.keys(body(request)).sort();
      expect(keys).toEqual(Object.keys(expected).sort());
    }
  });

  test.each([
    ["none", "gemini-2.5-flash", { thinkingBudget: 0, includeThoughts: false }],
    ["minimal", "gemini-2.5-pro", { thinkingBudget: 1024, includeThoughts: false }],
    ["high", "gemini-2.5-pro", { thinkingBudget: 16384, includeThoughts: false }],
    ["xhigh", "gemini-2.5-flash", { thinkingBudget: 24576, includeThoughts: false }],
    ["low", "gemini-3-pro-preview", { thinkingLevel: "low", includeThoughts: false }],
  ])("reasoning_effort %s on %s", (effort, upstream, thinkingConfig) => {
    expect(body({ messages: HI, reasoning_effort: effort }, upstream).generationConfig).toEqual({
      thinkingConfig,
    });
  });

  test("response formats ask Gemini for JSON", () => {
    const schema = { type: "object", properties: { a: { const: "x" } }, $defs: {} };
    expect(
      body({ messages: HI, response_format: { type: "json_schema", json_schema: { name: "n", schema } } })
        .generationConfig,
    ).toEqual({
      responseMimeType: "application/json",
      responseJsonSchema: { type: "object", properties: { a: { enum: ["x"] } } },
    });
    expect(body({ messages: HI, response_format: { type: "text" } }).generationConfig).toEqual({});
  });

  test("the reply side learns renamed tools, the stream flags and the prompt cache key", () => {
    const long = `mcp__${"x".repeat(80)}`;
    const result = translateChatRequest({
      ...BASE,
      messages: HI,
      stream: true,
      stream_options: { include_usage: true },
      prompt_cache_key: "conv-1",
      tools: [{ type: "function", function: { name: long } }],
    });
    if (!result.ok) throw new Error(result.error);
    expect(result.value.stream).toBe(true);
    expect(result.value.includeUsage).toBe(true);
    expect(result.value.promptCacheKey).toBe("conv-1");
    expect([...result.value.toolNames.values()]).toEqual([long]);
  });
});

describe("chat completions refused", () => {
  test.each([
    [{ messages: HI, n: 3 }, "n: only 1 is supported"],
    [{ messages: [] }, "messages: must not be empty"],
    [{ messages: [{ role: "system", content: "only" }] }, "messages: at least one user or assistant message"],
    [{ model: "", messages: HI }, "model: must not be empty"],
    [{ model: undefined, messages: HI }, "model: is required"],
    [{ messages: [{ role: "user", content: 5 }] }, "messages[0].content: must be a string or an array"],
    [
      {
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "http://x/y.png" } }] }],
      },
      "messages[0].content[0].image_url.url: remote URLs are not supported",
    ],
    [
      {
        messages: [
          { role: "user", content: [{ type: "image_url", image_url: { url: "file:///etc/passwd" } }] },
        ],
      },
      "messages[0].content[0].image_url.url: must be a base64 data URL",
    ],
    [
      { messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-1" } }] }] },
      "messages[0].content[0].file: uploaded files (file_id) are not supported",
    ],
    [{ messages: [{ role: "user", content: [{ type: "video" }] }] }, "messages[0].content[0].type: must be"],
    [{ messages: [{ role: "tool", content: "x" }] }, "messages[0].tool_call_id: is required"],
    [
      {
        messages: [
          ...HI,
          { role: "assistant", tool_calls: [{ id: "a", function: { name: "f", arguments: "[]" } }] },
        ],
      },
      "messages[1].tool_calls[0].function.arguments: must be the text of a JSON object",
    ],
    [
      {
        messages: HI,
        tools: [{ type: "function", function: { name: "f" } }],
        tool_choice: { type: "function", function: { name: "g" } },
      },
      "tool_choice.function.name: names no function declared",
    ],
    [{ messages: HI, tool_choice: "sometimes" }, "tool_choice: must be"],
    [{ messages: HI, max_tokens: 0 }, "max_tokens: must be a positive integer"],
    [{ messages: HI, response_format: { type: "yaml" } }, "response_format.type: must be"],
    [[1, 2], "body: request body must be a JSON object"],
  ] as const)("%j → %s", (fields, message) => {
    const error = Array.isArray(fields)
      ? (() => {
          const r = translateChatRequest(fields);
          return r.ok ? "" : r.error;
        })()
      : refusal(fields as Record<string, unknown>);
    expect(error).toStartWith(message);
  });
});
