/**
 * A reply's thought signatures come back on the next request where Gemini put them: Gemini 3
 * refuses a conversation whose function calls lost their signatures, and 2.5 forgets its thoughts.
 * Each case: the model's parts → an Anthropic reply (whole and streamed) → that reply as the
 * assistant turn of the next request → the same parts.
 */
import { describe, expect, test } from "bun:test";
import { translateGenerateContentReply } from "../../../../src/proxy/anthropic/messages-reply.ts";
import { createAnthropicStreamTranslator } from "../../../../src/proxy/anthropic/messages-stream.ts";
import { blocksOf, parseFrames } from "./sse-frames.ts";
import { geminiBody } from "./translate.ts";

const CONTEXT = { clientModel: "claude-sonnet-4-5", messageId: "msg_rt" };
const read = (path: string) => ({ functionCall: { name: "Read", args: { file_path: path } } });

const MODEL_TURNS: [string, Record<string, unknown>[]][] = [
  [
    "a signed thought, then text (2.5)",
    [{ thought: true, text: "plan", thoughtSignature: "S1" }, { text: "answer" }],
  ],
  ["signed text (Gemini 3)", [{ text: "Sure.", thoughtSignature: "S1" }]],
  ["parallel calls, the first signed (Gemini 3)", [{ ...read("/a"), thoughtSignature: "S1" }, read("/b")]],
  ["text, then a signed call", [{ text: "Reading." }, { ...read("/a"), thoughtSignature: "S2" }]],
  [
    "a signed thought, then a signed call",
    [
      { thought: true, text: "t", thoughtSignature: "S1" },
      { ...read("/a"), thoughtSignature: "S2" },
    ],
  ],
  ["text, then a closing signature on empty text", [{ text: "done" }, { text: "", thoughtSignature: "S3" }]],
  [
    "two signed calls",
    [
      { ...read("/a"), thoughtSignature: "S1" },
      { ...read("/b"), thoughtSignature: "S2" },
    ],
  ],
];

function wholeReplyBlocks(parts: unknown[]): unknown {
  return translateGenerateContentReply(
    { candidates: [{ content: { role: "model", parts }, finishReason: "STOP" }] },
    CONTEXT,
  ).content;
}

function streamedBlocks(parts: unknown[]): unknown {
  const translator = createAnthropicStreamTranslator(CONTEXT);
  // One part per chunk, as Gemini streams them.
  const text =
    parts.map((part) => translator.push({ candidates: [{ content: { parts: [part] } }] })).join("") +
    translator.end();
  return blocksOf(parseFrames(text));
}

/** The next request's Gemini turns, with the reply as its assistant turn and results for its calls. */
function nextTurns(blocks: unknown): { role: string; parts: Record<string, unknown>[] }[] {
  const calls = (blocks as { type: string; id?: string }[]).filter((block) => block.type === "tool_use");
  const messages: unknown[] = [
    { role: "user", content: "go" },
    { role: "assistant", content: blocks },
  ];
  if (calls.length > 0) {
    messages.push({
      role: "user",
      content: calls.map((call) => ({ type: "tool_result", tool_use_id: call.id, content: "ok" })),
    });
  }
  const body = geminiBody({ tools: [{ name: "Read" }], messages });
  return body.contents as { role: string; parts: Record<string, unknown>[] }[];
}

describe("thought signatures round trip", () => {
  test.each(MODEL_TURNS)("%s, from a whole reply", (_name, parts) => {
    expect(nextTurns(wholeReplyBlocks(parts))[1]).toEqual({ role: "model", parts });
  });

  test.each(MODEL_TURNS)("%s, from a streamed reply", (_name, parts) => {
    expect(nextTurns(streamedBlocks(parts))[1]).toEqual({ role: "model", parts });
  });

  test("the results of a reply's calls answer them by name", () => {
    const turns = nextTurns(wholeReplyBlocks([{ ...read("/a"), thoughtSignature: "S1" }, read("/b")]));
    expect(turns[2]).toEqual({
      role: "user",
      parts: [
        { functionResponse: { name: "Read", response: { output: "ok" } } },
        { functionResponse: { name: "Read", response: { output: "ok" } } },
      ],
    });
  });
});
