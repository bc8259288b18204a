import { describe, expect, test } from "bun:test";
import { createAnthropicStreamTranslator } from "../../../../src/proxy/anthropic/messages-stream.ts";
import { type Frame, parseFrames, streamProblem } from "./sse-frames.ts";

const CONTEXT = { clientModel: "claude-sonnet-4-5", messageId: "msg_s1" };
const ZERO = {
  input_tokens: 0,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

const chunk = (parts: unknown[], finishReason?: string, usageMetadata?: Record<string, unknown>) => ({
  candidates: [
    { content: { role: "model", parts }, ...(finishReason === undefined ? {} : { finishReason }) },
  ],
  ...(usageMetadata === undefined ? {} : { usageMetadata }),
});

/** All frames for these chunks, then the end. */
function translate(
  chunks: unknown[],
  context: Parameters<typeof createAnthropicStreamTranslator>[0] = CONTEXT,
) {
  const translator = createAnthropicStreamTranslator(context);
  const text = chunks.map((c) => translator.push(c)).join("") + translator.end();
  return parseFrames(text);
}

const messageStart = (usage: Record<string, unknown> = ZERO): Frame => ({
  event: "message_start",
  data: {
    type: "message_start",
    message: {
      id: "msg_s1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 0 },
    },
  },
});
const PING: Frame = { event: "ping", data: { type: "ping" } };
const start = (index: number, content_block: Record<string, unknown>): Frame => ({
  event: "content_block_start",
  data: { type: "content_block_start", index, content_block },
});
const delta = (index: number, d: Record<string, unknown>): Frame => ({
  event: "content_block_delta",
  data: { type: "content_block_delta", index, delta: d },
});
const stop = (index: number): Frame => ({
  event: "content_block_stop",
  data: { type: "content_block_stop", index },
});
const messageDelta = (stop_reason: string, usage: Record<string, unknown> = ZERO): Frame => ({
  event: "message_delta",
  data: { type: "message_delta", delta: { stop_reason, stop_sequence: null }, usage },
});
const MESSAGE_STOP: Frame = { event: "message_stop", data: { type: "message_stop" } };
const THINKING = { type: "thinking", thinking: "", signature: "" };
const TEXT = { type: "text", text: "" };

/** [name, Gemini chunks, Anthropic frames] */
const STREAMS: [string, unknown[], Frame[]][] = [
  [
    "text in two chunks, usage from the first in message_start and from the last in message_delta",
    [
      chunk([{ text: "Hel" }], undefined, { promptTokenCount: 10 }),
      chunk([{ text: "lo" }], "STOP", {
        promptTokenCount: 10,
        cachedContentTokenCount: 4,
        candidatesTokenCount: 2,
      }),
    ],
    [
      messageStart({ ...ZERO, input_tokens: 10 }),
      PING,
      start(0, TEXT),
      delta(0, { type: "text_delta", text: "Hel" }),
      delta(0, { type: "text_delta", text: "lo" }),
      stop(0),
      messageDelta("end_turn", { ...ZERO, input_tokens: 6, cache_read_input_tokens: 4, output_tokens: 2 }),
      MESSAGE_STOP,
    ],
  ],
  [
    "thoughts sealed by a signature, then text",
    [
      chunk([{ thought: true, text: "Let me " }]),
      chunk([{ thought: true, text: "think.", thoughtSignature: "S1" }]),
      chunk([{ text: "Done." }], "STOP", {
        promptTokenCount: 3,
        candidatesTokenCount: 1,
        thoughtsTokenCount: 5,
      }),
    ],
    [
      messageStart(),
      PING,
      start(0, THINKING),
      delta(0, { type: "thinking_delta", thinking: "Let me " }),
      delta(0, { type: "thinking_delta", thinking: "think." }),
      delta(0, { type: "signature_delta", signature: "S1" }),
      stop(0),
      start(1, TEXT),
      delta(1, { type: "text_delta", text: "Done." }),
      stop(1),
      messageDelta("end_turn", { ...ZERO, input_tokens: 3, output_tokens: 6 }),
      MESSAGE_STOP,
    ],
  ],
  [
    "a signed function call: a signature-only thinking block, then the tool_use with its input in one delta",
    [chunk([{ functionCall: { name: "Read", args: { file_path: "/a" } }, thoughtSignature: "S1" }], "STOP")],
    [
      messageStart(),
      PING,
      start(0, THINKING),
      delta(0, { type: "signature_delta", signature: "S1" }),
      stop(0),
      start(1, { type: "tool_use", id: "toolu_s1_0", name: "Read", input: {} }),
      delta(1, { type: "input_json_delta", partial_json: '{"file_path":"/a"}' }),
      stop(1),
      messageDelta("tool_use"),
      MESSAGE_STOP,
    ],
  ],
  [
    "text, then parallel calls across chunks, then a closing signature",
    [
      chunk([{ text: "Reading both." }]),
      chunk([{ functionCall: { name: "Read", args: { p: 1 } } }, { functionCall: { name: "Read" } }]),
      chunk([{ text: "", thoughtSignature: "S9" }], "STOP"),
    ],
    [
      messageStart(),
      PING,
      start(0, TEXT),
      delta(0, { type: "text_delta", text: "Reading both." }),
      stop(0),
      start(1, { type: "tool_use", id: "toolu_s1_0", name: "Read", input: {} }),
      delta(1, { type: "input_json_delta", partial_json: '{"p":1}' }),
      stop(1),
      start(2, { type: "tool_use", id: "toolu_s1_1", name: "Read", input: {} }),
      delta(2, { type: "input_json_delta", partial_json: "{}" }),
      stop(2),
      start(3, THINKING),
      delta(3, { type: "signature_delta", signature: "S9" }),
      stop(3),
      messageDelta("tool_use"),
      MESSAGE_STOP,
    ],
  ],
  [
    "a chunk with usage only, before any part",
    [chunk([], undefined, { promptTokenCount: 7 }), chunk([{ text: "x" }], "MAX_TOKENS")],
    [
      messageStart({ ...ZERO, input_tokens: 7 }),
      PING,
      start(0, TEXT),
      delta(0, { type: "text_delta", text: "x" }),
      stop(0),
      messageDelta("max_tokens", { ...ZERO, input_tokens: 7 }),
      MESSAGE_STOP,
    ],
  ],
  [
    "a blocked prompt: no content, a refusal",
    [{ promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, usageMetadata: { promptTokenCount: 4 } }],
    [
      messageStart({ ...ZERO, input_tokens: 4 }),
      PING,
      messageDelta("refusal", { ...ZERO, input_tokens: 4 }),
      MESSAGE_STOP,
    ],
  ],
  ["no chunks at all", [], [messageStart(), PING, messageDelta("end_turn"), MESSAGE_STOP]],
];

describe("the Anthropic stream", () => {
  test.each(STREAMS)("%s", (_name, chunks, frames) => {
    expect(translate(chunks)).toEqual(frames);
  });

  test("writes each frame as an event line, a data line and a blank line", () => {
    const translator = createAnthropicStreamTranslator(CONTEXT);
    const first = translator.push(chunk([{ text: "a" }]));
    expect(first).toStartWith('event: message_start\ndata: {"type":"message_start","message":{');
    expect(first).toEndWith(
      'event: ping\ndata: {"type":"ping"}\n\n' +
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}\n\n',
    );
    expect(translator.end()).toEndWith('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  });

  test("message_start and ping are written once, by the first push", () => {
    const translator = createAnthropicStreamTranslator(CONTEXT);
    const events = (text: string) => parseFrames(text).map((frame) => frame.event);
    expect(events(translator.push({}))).toEqual(["message_start", "ping"]);
    expect(events(translator.push(chunk([{ text: "a" }])))).toEqual([
      "content_block_start",
      "content_block_delta",
    ]);
    expect(events(translator.push(chunk([{ text: "b" }])))).toEqual(["content_block_delta"]);
  });

  test("text with newlines and quotes stays on one data line", () => {
    const frames = translate([chunk([{ text: 'line 1\nline "2"\r\n\n' }])]);
    expect(frames[3]).toEqual(delta(0, { type: "text_delta", text: 'line 1\nline "2"\r\n\n' }));
  });

  test("after the end, pushes and another end write nothing", () => {
    const translator = createAnthropicStreamTranslator(CONTEXT);
    translator.push(chunk([{ text: "a" }]));
    translator.end();
    expect(translator.push(chunk([{ text: "b" }]))).toBe("");
    expect(translator.end()).toBe("");
  });

  test("an upstream failure is an error event", () => {
    const translator = createAnthropicStreamTranslator(CONTEXT);
    translator.push(chunk([{ text: "a" }]));
    expect(translator.error("overloaded_error", "the model is overloaded")).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"the model is overloaded"}}\n\n',
    );
  });

  test("renamed tools are streamed under the client's names", () => {
    const frames = translate([chunk([{ functionCall: { name: "long_1a2b", args: {} } }])], {
      ...CONTEXT,
      toolNames: new Map([["long_1a2b", "mcp__long"]]),
    });
    expect(frames[2]).toEqual(start(0, { type: "tool_use", id: "toolu_s1_0", name: "mcp__long", input: {} }));
  });

  test.each(STREAMS)("is well formed: %s", (_name, chunks) => {
    expect(streamProblem(translate(chunks))).toBeUndefined();
  });
});
