import { describe, expect, test } from "bun:test";
import {
  translateCountTokensReply,
  translateGenerateContentReply,
} from "../../../../src/proxy/anthropic/messages-reply.ts";

const CONTEXT = { clientModel: "claude-sonnet-4-5", messageId: "msg_abc123" };
const NO_USAGE = {
  input_tokens: 0,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

const reply = (parts: unknown[], finishReason = "STOP", extra: Record<string, unknown> = {}) => ({
  candidates: [{ content: { role: "model", parts }, finishReason, index: 0 }],
  ...extra,
});

/** Gemini parts → Anthropic content blocks. */
const CONTENT: [string, unknown[], unknown[]][] = [
  ["text", [{ text: "Hello" }], [{ type: "text", text: "Hello" }]],
  ["text parts in a row, one block", [{ text: "Hel" }, { text: "lo" }], [{ type: "text", text: "Hello" }]],
  [
    "thoughts then text (2.5): one thinking block sealed by its signature",
    [
      { thought: true, text: "Let me " },
      { thought: true, text: "think.", thoughtSignature: "S1" },
      { text: "Done." },
    ],
    [
      { type: "thinking", thinking: "Let me think.", signature: "S1" },
      { type: "text", text: "Done." },
    ],
  ],
  [
    "a thought without signature: the block's signature stays empty",
    [{ thought: true, text: "hmm" }, { text: "ok" }],
    [
      { type: "thinking", thinking: "hmm", signature: "" },
      { type: "text", text: "ok" },
    ],
  ],
  [
    "a signed thought after a sealed one starts another block",
    [
      { thought: true, text: "a", thoughtSignature: "S1" },
      { thought: true, text: "b", thoughtSignature: "S2" },
    ],
    [
      { type: "thinking", thinking: "a", signature: "S1" },
      { type: "thinking", thinking: "b", signature: "S2" },
    ],
  ],
  [
    "a signature on a function call (Gemini 3): a signature-only thinking block before the tool_use",
    [{ functionCall: { name: "Read", args: { file_path: "/a" } }, thoughtSignature: "S1" }],
    [
      { type: "thinking", thinking: "", signature: "S1" },
      { type: "tool_use", id: "toolu_abc123_0", name: "Read", input: { file_path: "/a" } },
    ],
  ],
  [
    "parallel calls: one tool_use each, numbered ids, missing args as {}",
    [
      { text: "Two reads." },
      { functionCall: { name: "Read", args: { file_path: "/a" } }, thoughtSignature: "S1" },
      { functionCall: { name: "Read", args: { file_path: "/b" } } },
      { functionCall: { name: "Glob" } },
    ],
    [
      { type: "text", text: "Two reads." },
      { type: "thinking", thinking: "", signature: "S1" },
      { type: "tool_use", id: "toolu_abc123_0", name: "Read", input: { file_path: "/a" } },
      { type: "tool_use", id: "toolu_abc123_1", name: "Read", input: { file_path: "/b" } },
      { type: "tool_use", id: "toolu_abc123_2", name: "Glob", input: {} },
    ],
  ],
  [
    "a signature on text: a signature-only thinking block before the text",
    [{ text: "Hi", thoughtSignature: "S1" }, { text: " there" }],
    [
      { type: "thinking", thinking: "", signature: "S1" },
      { type: "text", text: "Hi there" },
    ],
  ],
  [
    "a closing empty text part with a signature",
    [{ text: "Hi" }, { text: "", thoughtSignature: "S1" }],
    [
      { type: "text", text: "Hi" },
      { type: "thinking", thinking: "", signature: "S1" },
    ],
  ],
  [
    "parts without an Anthropic form dropped (inline data, code, empty text, empty thoughts)",
    [
      { inlineData: { mimeType: "image/png", data: "x" } },
      { executableCode: { language: "PYTHON", code: "1" } },
      { text: "" },
      { thought: true, text: "" },
      { thought: true },
      "not a part",
      { text: "kept" },
    ],
    [{ type: "text", text: "kept" }],
  ],
];

/** [finishReason, promptFeedback, parts, stop_reason] */
const STOPS: [string | undefined, unknown, unknown[], string][] = [
  ["STOP", undefined, [{ text: "a" }], "end_turn"],
  [undefined, undefined, [{ text: "a" }], "end_turn"],
  ["STOP", undefined, [{ functionCall: { name: "a" } }], "tool_use"],
  [undefined, undefined, [{ functionCall: { name: "a" } }], "tool_use"],
  ["MAX_TOKENS", undefined, [{ text: "a" }], "max_tokens"],
  ["MAX_TOKENS", undefined, [{ functionCall: { name: "a" } }], "max_tokens"],
  ["SAFETY", undefined, [], "refusal"],
  ["RECITATION", undefined, [{ text: "a" }], "refusal"],
  ["BLOCKLIST", undefined, [], "refusal"],
  ["PROHIBITED_CONTENT", undefined, [], "refusal"],
  ["SPII", undefined, [], "refusal"],
  ["IMAGE_SAFETY", undefined, [], "refusal"],
  [undefined, { blockReason: "SAFETY" }, [], "refusal"],
  ["OTHER", undefined, [], "end_turn"],
  ["MALFORMED_FUNCTION_CALL", undefined, [], "end_turn"],
  ["FINISH_REASON_UNSPECIFIED", undefined, [{ text: "a" }], "end_turn"],
];

/** usageMetadata → usage */
const USAGES: [string, unknown, unknown][] = [
  [
    "input less cached, cache read from the cached count, output with thoughts",
    {
      promptTokenCount: 1000,
      cachedContentTokenCount: 600,
      candidatesTokenCount: 50,
      thoughtsTokenCount: 200,
      totalTokenCount: 1250,
    },
    { input_tokens: 400, output_tokens: 250, cache_creation_input_tokens: 0, cache_read_input_tokens: 600 },
  ],
  [
    "no cache, no thoughts",
    { promptTokenCount: 12, candidatesTokenCount: 3 },
    { input_tokens: 12, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  ],
  [
    "nonsense counts as 0",
    {
      promptTokenCount: -5,
      candidatesTokenCount: "7",
      thoughtsTokenCount: 2.7,
      cachedContentTokenCount: null,
    },
    { input_tokens: 0, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  ],
  ["none", undefined, NO_USAGE],
];

describe("a whole Gemini reply", () => {
  test("becomes an Anthropic message with the caller's id and the client's model", () => {
    const gemini = reply([{ text: "Hello" }], "STOP", {
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 2 },
      modelVersion: "gemini-2.5-pro",
      responseId: "r1",
    });
    expect(translateGenerateContentReply(gemini, CONTEXT)).toEqual({
      id: "msg_abc123",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [{ type: "text", text: "Hello" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: {
        input_tokens: 10,
        output_tokens: 2,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
  });

  test.each(CONTENT)("content: %s", (_name, parts, content) => {
    expect(translateGenerateContentReply(reply(parts), CONTEXT).content).toEqual(content);
  });

  test.each(STOPS)(
    "finishReason %p with promptFeedback %p and parts %j → %s",
    (finishReason, feedback, parts, stop) => {
      const gemini: Record<string, unknown> = {
        candidates: [{ content: { parts }, ...(finishReason === undefined ? {} : { finishReason }) }],
      };
      if (feedback !== undefined) gemini.promptFeedback = feedback;
      expect(translateGenerateContentReply(gemini, CONTEXT).stop_reason).toBe(stop);
    },
  );

  test.each(USAGES)("usage: %s", (_name, usageMetadata, usage) => {
    expect(translateGenerateContentReply({ ...reply([]), usageMetadata }, CONTEXT).usage).toEqual(usage);
  });

  test("Gemini's streamed JSON array is read as one reply, the last usage counting", () => {
    const chunks = [
      reply([{ thought: true, text: "a" }], "", { usageMetadata: { promptTokenCount: 5 } }),
      reply([{ thought: true, text: "b", thoughtSignature: "S" }, { text: "c" }], ""),
      reply([{ text: "d" }], "STOP", { usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2 } }),
    ];
    const message = translateGenerateContentReply(chunks, CONTEXT);
    expect(message.content).toEqual([
      { type: "thinking", thinking: "ab", signature: "S" },
      { type: "text", text: "cd" },
    ]);
    expect(message.usage).toEqual({ ...NO_USAGE, input_tokens: 5, output_tokens: 2 });
    expect(message.stop_reason).toBe("end_turn");
  });

  test("only the first candidate counts", () => {
    const gemini = {
      candidates: [
        { content: { parts: [{ text: "one" }] }, finishReason: "STOP" },
        { content: { parts: [{ text: "two" }] }, finishReason: "MAX_TOKENS" },
      ],
    };
    const message = translateGenerateContentReply(gemini, CONTEXT);
    expect([message.content, message.stop_reason]).toEqual([[{ type: "text", text: "one" }], "end_turn"]);
  });

  test.each(
    [null, 3, "x", [], {}, { candidates: "x" }, { candidates: [{ content: { parts: {} } }] }].map((v) => [v]),
  )("a reply of any other shape (%j) gives an empty message", (gemini) => {
    expect(translateGenerateContentReply(gemini, CONTEXT)).toMatchObject({
      id: "msg_abc123",
      content: [],
      stop_reason: "end_turn",
      usage: NO_USAGE,
    });
  });

  test("a message id with characters other than letters, digits, - and _ gives clean tool_use ids", () => {
    const message = translateGenerateContentReply(reply([{ functionCall: { name: "a" } }]), {
      ...CONTEXT,
      messageId: "msg_a.b/c",
    });
    expect(message.content).toEqual([{ type: "tool_use", id: "toolu_abc_0", name: "a", input: {} }]);
  });
});

describe("a countTokens reply", () => {
  test.each([
    [{ totalTokens: 42 }, 42],
    [{ totalTokens: 42, promptTokensDetails: [] }, 42],
    [{ totalTokens: 4.9 }, 4],
    [{ totalTokens: -1 }, 0],
    [{}, 0],
    [null, 0],
    [[{ totalTokens: 3 }], 0],
  ])("%j → %p input tokens", (gemini, count) => {
    expect(translateCountTokensReply(gemini)).toEqual({ input_tokens: count });
  });
});
