/**
 * Gemini replies → Responses API output, whole (a table of pairs) and streamed (every kind of
 * event, in order, with sequence numbers; incomplete and failed endings), and the stream's final
 * response equals the whole reply of the same chunks.
 */
import { describe, expect, test } from "bun:test";
import { encryptedContentOf } from "../../../../src/proxy/openai/reasoning-signature.ts";
import { translateResponsesReply } from "../../../../src/proxy/openai/responses-reply.ts";
import { createResponsesStreamTranslator } from "../../../../src/proxy/openai/responses-stream.ts";

const TOOLS = new Map([
  ["apply_patch", { name: "apply_patch", kind: "custom" as const }],
  ["crm.lookup", { name: "lookup", namespace: "crm", kind: "function" as const }],
]);
const CONTEXT = {
  clientModel: "gpt-5",
  stem: "s1",
  createdAt: 1_700_000_000,
  tools: TOOLS,
  echo: { store: false },
};
const USAGE = {
  promptTokenCount: 10,
  cachedContentTokenCount: 4,
  candidatesTokenCount: 5,
  thoughtsTokenCount: 3,
};
const reply = (parts: unknown[], finishReason = "STOP") => ({
  candidates: [{ content: { role: "model", parts }, finishReason }],
  usageMetadata: USAGE,
});

const PAIRS: ReadonlyArray<readonly [string, unknown, unknown[], string]> = [
  [
    "text → a message",
    reply([{ text: "Hel" }, { text: "lo" }]),
    [
      {
        id: "msg_s1_0",
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Hello", annotations: [], logprobs: [] }],
      },
    ],
    "completed",
  ],
  [
    "a signed thought → a reasoning item with its summary and encrypted_content",
    reply([{ text: "hm", thought: true, thoughtSignature: "S" }]),
    [
      {
        id: "rs_s1_0",
        type: "reasoning",
        summary: [{ type: "summary_text", text: "hm" }],
        encrypted_content: encryptedContentOf("S"),
      },
    ],
    "completed",
  ],
  [
    "a signed call → a reasoning item with no summary before the function_call",
    reply([{ functionCall: { name: "f", args: { a: 1 } }, thoughtSignature: "C" }]),
    [
      { id: "rs_s1_0", type: "reasoning", summary: [], encrypted_content: encryptedContentOf("C") },
      {
        id: "fc_s1_1",
        type: "function_call",
        status: "completed",
        arguments: '{"a":1}',
        call_id: "call_s1_0",
        name: "f",
      },
    ],
    "completed",
  ],
  [
    "custom and namespaced tools come back as the client declared them",
    reply([
      { functionCall: { name: "apply_patch", args: { input: "P" } } },
      { functionCall: { name: "crm.lookup", args: {} } },
    ]),
    [
      {
        id: "ctc_s1_0",
        type: "custom_tool_call",
        status: "completed",
        call_id: "call_s1_0",
        name: "apply_patch",
        input: "P",
      },
      {
        id: "fc_s1_1",
        type: "function_call",
        status: "completed",
        arguments: "{}",
        call_id: "call_s1_1",
        name: "lookup",
        namespace: "crm",
      },
    ],
    "completed",
  ],
  ["MAX_TOKENS → incomplete", reply([{ text: "cut" }], "MAX_TOKENS"), [{ type: "message" }], "incomplete"],
  ["garbage → an empty completed response", 42, [], "completed"],
];

describe("Gemini → response", () => {
  test.each(PAIRS)("%s", (_name, gemini, output, status) => {
    const response = translateResponsesReply(gemini, CONTEXT);
    expect(response.output as unknown[]).toMatchObject(output);
    expect((response.output as unknown[]).length).toBe(output.length);
    expect(response.status).toBe(status);
  });

  test("the response object: ids, echo, usage, incomplete details", () => {
    const response = translateResponsesReply(reply([], "SAFETY"), CONTEXT);
    expect(response).toMatchObject({
      id: "resp_s1",
      object: "response",
      created_at: 1_700_000_000,
      model: "gpt-5",
      status: "incomplete",
      incomplete_details: { reason: "content_filter" },
      error: null,
      store: false,
      usage: {
        input_tokens: 10,
        input_tokens_details: { cached_tokens: 4 },
        output_tokens: 8,
        output_tokens_details: { reasoning_tokens: 3 },
        total_tokens: 18,
      },
    });
  });
});

type Event = Record<string, unknown> & { type: string; sequence_number: number };

function parse(frames: string): Event[] {
  return frames
    .split("\n\n")
    .filter((f) => f !== "")
    .map((f) => {
      const [eventLine, dataLine] = f.split("\n");
      const event = JSON.parse((dataLine ?? "").slice("data: ".length)) as Event;
      expect(eventLine).toBe(`event: ${event.type}`);
      return event;
    });
}

describe("Gemini stream → Responses events", () => {
  test("every kind of event, in order, numbered from 0", () => {
    const stream = createResponsesStreamTranslator(CONTEXT);
    const chunks = [
      { candidates: [{ content: { parts: [{ text: "th", thought: true }] } }] },
      { candidates: [{ content: { parts: [{ text: "ink", thought: true, thoughtSignature: "S" }] } }] },
      { candidates: [{ content: { parts: [{ text: "Hi" }] } }] },
      reply([
        { functionCall: { name: "f", args: {} } },
        { functionCall: { name: "apply_patch", args: { input: "P" } } },
      ]),
    ];
    const events = parse(chunks.map((c) => stream.push(c)).join("") + stream.end());
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
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
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.custom_tool_call_input.delta",
      "response.custom_tool_call_input.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events[0]).toMatchObject({ response: { id: "resp_s1", status: "in_progress", output: [] } });
    expect(events[4]).toMatchObject({ item_id: "rs_s1_0", output_index: 0, summary_index: 0, delta: "th" });
    expect(events[11]).toMatchObject({ item_id: "msg_s1_1", output_index: 1, content_index: 0, delta: "Hi" });
    const completed = events.at(-1) as Event & { response: Record<string, unknown> };
    expect(completed.response).toEqual(translateResponsesReply(chunks, CONTEXT));
    const added = events.filter((e) => e.type === "response.output_item.added").map((e) => e.output_index);
    expect(added).toEqual([0, 1, 2, 3]);
  });

  test("MAX_TOKENS ends with response.incomplete", () => {
    const stream = createResponsesStreamTranslator(CONTEXT);
    const events = parse(stream.push(reply([{ text: "x" }], "MAX_TOKENS")) + stream.end());
    expect(events.at(-1)).toMatchObject({
      type: "response.incomplete",
      response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } },
    });
  });

  test("a failure before anything arrived is still created, in_progress, then failed; nothing follows", () => {
    const stream = createResponsesStreamTranslator(CONTEXT);
    const events = parse(stream.fail({ message: "overloaded", type: "server_error", code: null }));
    expect(events.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.failed",
    ]);
    expect(events[2]).toMatchObject({
      response: { status: "failed", error: { code: "server_error", message: "overloaded" } },
    });
    expect(stream.push(reply([{ text: "late" }]))).toBe("");
    expect(stream.end()).toBe("");
  });
});
