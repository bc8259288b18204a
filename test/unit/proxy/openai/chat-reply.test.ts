/**
 * Gemini replies → Chat Completions, whole (a table of pairs) and streamed (every kind of chunk,
 * the usage chunk, [DONE], the error event), and the two agree on the same Gemini chunks.
 */
import { describe, expect, test } from "bun:test";
import { translateChatReply } from "../../../../src/proxy/openai/chat-reply.ts";
import { createChatStreamTranslator } from "../../../../src/proxy/openai/chat-stream.ts";

const CONTEXT = { clientModel: "gpt-4.1", id: "chatcmpl-abc", created: 1_700_000_000 };
const USAGE = {
  promptTokenCount: 10,
  cachedContentTokenCount: 4,
  candidatesTokenCount: 5,
  thoughtsTokenCount: 3,
};

const reply = (parts: unknown[], finishReason = "STOP", extra: Record<string, unknown> = {}) => ({
  candidates: [{ content: { role: "model", parts }, finishReason }],
  usageMetadata: USAGE,
  ...extra,
});

const PAIRS: ReadonlyArray<readonly [string, unknown, Record<string, unknown>, string]> = [
  [
    "text",
    reply([{ text: "Hel" }, { text: "lo" }]),
    { role: "assistant", content: "Hello", refusal: null },
    "stop",
  ],
  [
    "thoughts and signatures are dropped",
    reply([
      { text: "hm", thought: true, thoughtSignature: "S" },
      { text: "ok", thoughtSignature: "T" },
    ]),
    { role: "assistant", content: "ok", refusal: null },
    "stop",
  ],
  [
    "function calls → tool_calls, content null",
    reply([{ functionCall: { name: "f", args: { a: 1 } } }, { functionCall: { name: "g" } }]),
    {
      role: "assistant",
      content: null,
      refusal: null,
      tool_calls: [
        { id: "call_abc_0", type: "function", function: { name: "f", arguments: '{"a":1}' } },
        { id: "call_abc_1", type: "function", function: { name: "g", arguments: "{}" } },
      ],
    },
    "tool_calls",
  ],
  ["MAX_TOKENS → length", reply([{ text: "cut" }], "MAX_TOKENS"), { content: "cut" }, "length"],
  ["SAFETY → content_filter", reply([], "SAFETY"), { content: "" }, "content_filter"],
  [
    "a blocked prompt → content_filter",
    { promptFeedback: { blockReason: "SAFETY" } },
    { content: "" },
    "content_filter",
  ],
  ["garbage → an empty answer", "nonsense", { content: "" }, "stop"],
];

describe("Gemini → chat.completion", () => {
  test.each(PAIRS)("%s", (_name, gemini, message, finish) => {
    const completion = translateChatReply(gemini, CONTEXT) as {
      choices: { message: unknown; finish_reason: string }[];
    };
    expect(completion.choices[0]?.message).toMatchObject(message);
    expect(completion.choices[0]?.finish_reason).toBe(finish);
  });

  test("the envelope and the usage: prompt includes cached, completion includes reasoning", () => {
    expect(translateChatReply(reply([{ text: "x" }]), CONTEXT)).toEqual({
      id: "chatcmpl-abc",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "gpt-4.1",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "x", refusal: null },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 8,
        total_tokens: 18,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 3 },
      },
      system_fingerprint: null,
    });
  });

  test("renamed tools come back in the client's spelling", () => {
    const completion = translateChatReply(reply([{ functionCall: { name: "short_1234", args: {} } }]), {
      ...CONTEXT,
      toolNames: new Map([["short_1234", "a very long name"]]),
    }) as { choices: { message: { tool_calls: { function: { name: string } }[] } }[] };
    expect(completion.choices[0]?.message.tool_calls[0]?.function.name).toBe("a very long name");
  });
});

/** The data of each SSE frame, parsed (or the raw text of `[DONE]`). */
function events(frames: string): unknown[] {
  return frames
    .split("\n\n")
    .filter((f) => f !== "")
    .map((f) => {
      expect(f.startsWith("data: ")).toBe(true);
      const data = f.slice("data: ".length);
      return data === "[DONE]" ? data : JSON.parse(data);
    });
}

type Chunk = { choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: unknown };

describe("Gemini stream → chat.completion.chunk", () => {
  test("every kind of chunk in order: role, content, tool call header and arguments, finish, usage, [DONE]", () => {
    const chat = createChatStreamTranslator({ ...CONTEXT, includeUsage: true });
    let frames = chat.push({ candidates: [{ content: { parts: [{ text: "hm", thought: true }] } }] });
    frames += chat.push({ candidates: [{ content: { parts: [{ text: "Hi" }] } }] });
    frames += chat.push(reply([{ functionCall: { name: "f", args: { a: 1 } } }]));
    frames += chat.end();
    const all = events(frames);
    expect(all.at(-1)).toBe("[DONE]");
    const chunks = all.slice(0, -1) as Chunk[];
    expect(chunks.map((c) => c.choices[0]?.delta ?? "usage")).toEqual([
      { role: "assistant", content: "", refusal: null },
      { content: "Hi" },
      {
        tool_calls: [
          { index: 0, id: "call_abc_0", type: "function", function: { name: "f", arguments: "" } },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] },
      {},
      "usage",
    ]);
    expect(chunks.map((c) => c.choices[0]?.finish_reason ?? null)).toEqual([
      null,
      null,
      null,
      null,
      "tool_calls",
      null,
    ]);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 8 } });
    expect(chunks[0]).toMatchObject({
      id: "chatcmpl-abc",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "gpt-4.1",
    });
  });

  test("without include_usage there is no usage chunk and no usage field", () => {
    const chat = createChatStreamTranslator({ ...CONTEXT, includeUsage: false });
    const all = events(chat.push(reply([{ text: "x" }])) + chat.end());
    expect(all).toHaveLength(4);
    for (const chunk of all.slice(0, -1)) expect(chunk).not.toHaveProperty("usage");
  });

  test("an empty upstream stream still gives a role chunk, a finish chunk and [DONE]", () => {
    const all = events(createChatStreamTranslator({ ...CONTEXT, includeUsage: false }).end());
    expect(all).toHaveLength(3);
  });

  test("a failure is one error event in OpenAI's shape, after which nothing more is sent", () => {
    const chat = createChatStreamTranslator({ ...CONTEXT, includeUsage: false });
    chat.push(reply([{ text: "x" }]));
    const failed = chat.error({ message: "overloaded", type: "server_error", code: null });
    expect(events(failed)).toEqual([
      { error: { message: "overloaded", type: "server_error", code: null, param: null } },
    ]);
    expect(chat.push(reply([{ text: "y" }]))).toBe("");
    expect(chat.end()).toBe("");
  });

  test("the stream assembles into the same message as the whole reply", () => {
    const chunks = [
      { candidates: [{ content: { parts: [{ text: "a" }] } }] },
      { candidates: [{ content: { parts: [{ text: "b" }, { functionCall: { name: "f", args: {} } }] } }] },
      reply([{ functionCall: { name: "g", args: { x: [1] } } }], "STOP"),
    ];
    const chat = createChatStreamTranslator({ ...CONTEXT, includeUsage: false });
    const streamed = events(chunks.map((c) => chat.push(c)).join("") + chat.end()).slice(0, -1) as Chunk[];
    let content = "";
    const calls: { id?: string; name?: string; arguments: string }[] = [];
    for (const chunk of streamed) {
      const delta = chunk.choices[0]?.delta ?? {};
      if (typeof delta.content === "string") content += delta.content;
      for (const call of (delta.tool_calls ?? []) as {
        index: number;
        id?: string;
        function: { name?: string; arguments: string };
      }[]) {
        calls[call.index] ??= { arguments: "" };
        const at = calls[call.index] as (typeof calls)[number];
        if (call.id !== undefined) at.id = call.id;
        if (call.function.name !== undefined) at.name = call.function.name;
        at.arguments += call.function.arguments;
      }
    }
    const whole = translateChatReply(chunks, CONTEXT) as {
      choices: {
        message: {
          content: string;
          tool_calls: { id: string; function: { name: string; arguments: string } }[];
        };
      }[];
    };
    expect(content).toBe(whole.choices[0]?.message.content ?? "");
    expect(calls).toEqual(
      whole.choices[0]?.message.tool_calls.map((c) => ({
        id: c.id,
        name: c.function.name,
        arguments: c.function.arguments,
      })) ?? [],
    );
  });
});
