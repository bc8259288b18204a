/** Responses API requests → Gemini requests, as a table of pairs, and the refusals. */
import { describe, expect, test } from "bun:test";
import { encryptedContentOf } from "../../../../src/proxy/openai/reasoning-signature.ts";
import { translateResponsesRequest } from "../../../../src/proxy/openai/responses-request.ts";
import { SKIP_SIGNATURE } from "../../../../src/proxy/translation/gemini-contents.ts";

const BASE = { model: "gpt-5" } as const;
const USER = { role: "user", content: "hi" };
const HI = { role: "user", parts: [{ text: "hi" }] };

function body(fields: Record<string, unknown>, upstream?: string): Record<string, unknown> {
  const result = translateResponsesRequest(
    { ...BASE, ...fields },
    upstream === undefined ? {} : { upstreamModelFor: () => upstream },
  );
  if (!result.ok) throw new Error(`expected a translation, got the refusal: ${result.error}`);
  return result.value.body;
}

function refusal(fields: Record<string, unknown>): string {
  const result = translateResponsesRequest({ ...BASE, ...fields });
  if (result.ok) throw new Error("expected a refusal, got a translation");
  return result.error;
}

const PAIRS: ReadonlyArray<readonly [string, Record<string, unknown>, Record<string, unknown>]> = [
  ["input as a string", { input: "hi" }, { contents: [HI], generationConfig: {} }],
  [
    "instructions and developer/system messages → the system instruction",
    {
      instructions: "I",
      input: [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "D" }] },
        USER,
        { role: "system", content: "S" },
      ],
    },
    {
      contents: [HI],
      systemInstruction: { parts: [{ text: "I" }, { text: "D" }, { text: "S" }] },
      generationConfig: {},
    },
  ],
  [
    "a signed call's reasoning item puts its signature on the call; the output answers it",
    {
      input: [
        USER,
        { type: "reasoning", summary: [], encrypted_content: encryptedContentOf("SIG") },
        { type: "function_call", call_id: "c1", name: "f", arguments: '{"a":1}' },
        { type: "function_call_output", call_id: "c1", output: "done" },
      ],
      tools: [{ type: "function", name: "f" }],
    },
    {
      contents: [
        HI,
        { role: "model", parts: [{ functionCall: { name: "f", args: { a: 1 } }, thoughtSignature: "SIG" }] },
        { role: "user", parts: [{ functionResponse: { name: "f", response: { output: "done" } } }] },
      ],
    },
  ],
  [
    "a summary with a signature is a signed thought; foreign encrypted_content is dropped and the call gets the placeholder",
    {
      input: [
        USER,
        {
          type: "reasoning",
          summary: [{ type: "summary_text", text: "plan" }],
          encrypted_content: encryptedContentOf("T"),
        },
        { type: "reasoning", summary: [], encrypted_content: "gAAAAB-openai-encrypted" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "ok" }] },
        { type: "function_call", call_id: "c1", name: "f", arguments: "" },
      ],
    },
    {
      contents: [
        HI,
        {
          role: "model",
          parts: [
            { thought: true, text: "plan", thoughtSignature: "T" },
            { text: "ok" },
            { functionCall: { name: "f", args: {} }, thoughtSignature: SKIP_SIGNATURE },
          ],
        },
      ],
    },
  ],
  [
    "a held signature with no part after it closes the model turn on an empty text part",
    {
      input: [USER, { type: "reasoning", summary: [], encrypted_content: encryptedContentOf("END") }, USER],
    },
    {
      contents: [HI, { role: "model", parts: [{ text: "", thoughtSignature: "END" }] }, HI],
    },
  ],
  [
    "an output for an unknown call is text; images in outputs follow; unknown items are dropped",
    {
      input: [
        USER,
        { type: "web_search_call", id: "ws_1", status: "completed" },
        { type: "local_shell_call", call_id: "ls1", action: { type: "exec", command: ["ls"] } },
        {
          type: "function_call_output",
          call_id: "ls1",
          output: [
            { type: "input_text", text: "a" },
            { type: "input_image", image_url: "data:image/png;base64,QUJD" },
          ],
        },
      ],
    },
    {
      contents: [
        {
          role: "user",
          parts: [
            { text: "hi" },
            { text: "Result of tool call ls1:\na" },
            { inlineData: { mimeType: "image/png", data: "QUJD" } },
          ],
        },
      ],
    },
  ],
  [
    "custom tools are {input} functions; namespaced ones are qualified; hosted tools are left out",
    {
      input: [
        USER,
        { type: "custom_tool_call", call_id: "p", name: "apply_patch", input: "PATCH" },
        { type: "function_call", call_id: "q", name: "lookup", namespace: "crm", arguments: "{}" },
        { type: "custom_tool_call_output", call_id: "p", output: "ok" },
        { type: "function_call_output", call_id: "q", output: "x" },
      ],
      tools: [
        { type: "custom", name: "apply_patch", format: { type: "text" } },
        { type: "namespace", name: "crm", description: "d", tools: [{ type: "function", name: "lookup" }] },
        { type: "local_shell" },
        { type: "web_search", search_context_size: "low" },
      ],
      tool_choice: { type: "custom", name: "apply_patch" },
    },
    {
      contents: [
        HI,
        {
          role: "model",
          parts: [
            {
              functionCall: { name: "apply_patch", args: { input: "PATCH" } },
              thoughtSignature: SKIP_SIGNATURE,
            },
            { functionCall: { name: "crm.lookup", args: {} } },
          ],
        },
        {
          role: "user",
          parts: [
            { functionResponse: { name: "apply_patch", response: { output: "ok" } } },
            { functionResponse: { name: "crm.lookup", response: { output: "x" } } },
          ],
        },
      ],
      tools: [
        {
          functionDeclarations: [
            { name: "apply_patch", parametersJsonSchema: { required: ["input"] } },
            { name: "crm.lookup" },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["apply_patch"] } },
    },
  ],
  [
    "a hosted tool choice is auto",
    { input: "hi", tools: [{ type: "function", name: "f" }], tool_choice: { type: "web_search_preview" } },
    { toolConfig: { functionCallingConfig: { mode: "AUTO" } } },
  ],
  [
    "limits, sampling and text.format",
    {
      input: "hi",
      max_output_tokens: 999_999,
      temperature: 0.2,
      top_p: 0.8,
      text: {
        format: {
          type: "json_schema",
          name: "x",
          schema: { type: "object", properties: { a: { type: "string" } } },
        },
        verbosity: "low",
      },
    },
    {
      generationConfig: {
        maxOutputTokens: 65536,
        temperature: 0.2,
        topP: 0.8,
        responseMimeType: "application/json",
        responseJsonSchema: { type: "object", properties: { a: { type: "string" } } },
      },
    },
  ],
];

describe("responses → Gemini", () => {
  test.each(PAIRS)("%s", (_name, request, expected) => {
    expect(body(request)).toMatchObject(expected);
  });

  test.each([
    [{ effort: "medium", summary: "auto" }, "gemini-2.5-pro", { thinkingBudget: -1, includeThoughts: true }],
    [{ effort: "low" }, "gemini-2.5-pro", { thinkingBudget: 2048, includeThoughts: false }],
    [{ summary: "detailed" }, "gemini-3-pro-preview", { includeThoughts: true }],
    [{ effort: "none", summary: "auto" }, "gemini-2.5-flash", { thinkingBudget: 0, includeThoughts: false }],
  ])("reasoning %j on %s", (reasoning, upstream, thinkingConfig) => {
    expect(body({ input: "hi", reasoning }, upstream).generationConfig).toEqual({ thinkingConfig });
  });

  test("no reasoning asks for nothing", () => {
    expect(body({ input: "hi", reasoning: null }, "gemini-2.5-pro").generationConfig).toEqual({});
  });
});

describe("responses refused", () => {
  test.each([
    [{ input: "hi", previous_response_id: "resp_1" }, "previous_response_id: not supported"],
    [{ input: "hi", conversation: "conv_1" }, "conversation: not supported"],
    [{ input: [] }, "input: at least one message"],
    [{}, "input: at least one message"],
    [{ input: 5 }, "input: must be a string or an array"],
    [{ input: [USER, 3] }, "input[1]: must be an input item object"],
    [{ input: [{ role: "robot", content: "x" }] }, "input[0].role: must be"],
    [{ input: [{ role: "user", content: 4 }] }, "input[0].content: must be a string or an array"],
    [
      { input: [{ type: "function_call", call_id: "c", name: "f", arguments: "[1]" }] },
      "input[0].arguments: must be the text of a JSON object",
    ],
    [{ input: [{ type: "custom_tool_call", call_id: "c", name: "f" }] }, "input[0].input: must be a string"],
    [
      { input: [{ role: "user", content: [{ type: "input_image", file_id: "file-1" }] }] },
      "input[0].content[0].file_id: uploaded files",
    ],
    [
      { input: [{ role: "user", content: [{ type: "input_file", file_url: "https://x/a.pdf" }] }] },
      "input[0].content[0].file_url: remote URLs",
    ],
    [{ input: "hi", tools: [{ type: "function" }] }, "tools[0].name: must be a non-empty string"],
    [{ input: "hi", tools: [{ type: "namespace", name: "n" }] }, "tools[0].tools: must be an array"],
    [
      { input: "hi", tools: [{ type: "function", name: "f" }], tool_choice: { type: "function", name: "g" } },
      "tool_choice.name: names no function",
    ],
    [{ input: "hi", text: { format: { type: "xml" } } }, "text.format.type: must be"],
    [{ input: "hi", max_output_tokens: 0.5 }, "max_output_tokens: must be a positive integer"],
  ] as const)("%j → %s", (fields, message) => {
    expect(refusal(fields as Record<string, unknown>)).toStartWith(message);
  });
});
