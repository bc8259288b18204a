/**
 * Properties over generated input: no request, reply or stream chunk makes an OpenAI translator
 * throw; refusals are one line naming a path and never echo a value; a stream is always a
 * well-formed sequence of events.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { translateChatReply } from "../../../../src/proxy/openai/chat-reply.ts";
import { translateChatRequest } from "../../../../src/proxy/openai/chat-request.ts";
import { createChatStreamTranslator } from "../../../../src/proxy/openai/chat-stream.ts";
import { translateResponsesReply } from "../../../../src/proxy/openai/responses-reply.ts";
import { translateResponsesRequest } from "../../../../src/proxy/openai/responses-request.ts";
import { createResponsesStreamTranslator } from "../../../../src/proxy/openai/responses-stream.ts";
import { anyJson, chatBody, mostly, responsesBody, SECRET } from "../../../support/openai-arbitraries.ts";

const PROPERTY_TIMEOUT_MS = 30_000;
const CONTEXT = { clientModel: "gpt-x", id: "chatcmpl-p", created: 1 };

const geminiPart = mostly(
  fc.oneof(
    fc.record(
      { text: fc.string(), thought: fc.boolean(), thoughtSignature: fc.constantFrom("S1", "") },
      { requiredKeys: ["text"] },
    ),
    fc.record(
      {
        functionCall: mostly(fc.record({ name: fc.string(), args: anyJson }, { requiredKeys: [] })),
        thoughtSignature: fc.string(),
      },
      { requiredKeys: ["functionCall"] },
    ),
  ),
);
const geminiChunk = mostly(
  fc.record(
    {
      candidates: mostly(
        fc.array(
          fc.record({
            content: mostly(fc.record({ parts: mostly(fc.array(geminiPart, { maxLength: 4 })) })),
            finishReason: fc.constantFrom("STOP", "MAX_TOKENS", "SAFETY", "", "OTHER"),
          }),
          { maxLength: 2 },
        ),
      ),
      usageMetadata: mostly(fc.record({ promptTokenCount: anyJson, candidatesTokenCount: fc.nat() })),
      promptFeedback: fc.constant({ blockReason: "SAFETY" }),
    },
    { requiredKeys: [] },
  ),
);

/** No generated body makes `translate` throw, and each refusal is one line naming a path, no secret. */
function expectOneLineRefusals(
  bodies: fc.Arbitrary<unknown>,
  translate: (body: unknown, options: { upstreamModelFor: () => string }) => { ok: boolean; error?: string },
): void {
  fc.assert(
    fc.property(bodies, (body) => {
      const result = translate(body, { upstreamModelFor: () => "gemini-3-pro-preview" });
      if (result.ok) return;
      expect(result.error).not.toContain("\n");
      expect(result.error).not.toContain(SECRET);
      expect(result.error).toMatch(/^(body|[A-Za-z_][\w.[\]]*): /);
    }),
    { numRuns: 1000 },
  );
}

describe("chat completions translators", () => {
  test(
    "no request body makes the request translator throw; refusals are one line naming a path",
    () => expectOneLineRefusals(chatBody, translateChatRequest),
    PROPERTY_TIMEOUT_MS,
  );

  test(
    "no Gemini reply makes the reply translators throw, and every stream ends in [DONE] with one finish",
    () => {
      fc.assert(
        fc.property(fc.array(geminiChunk, { maxLength: 5 }), fc.boolean(), (chunks, includeUsage) => {
          const whole = translateChatReply(chunks, CONTEXT) as { choices: unknown[] };
          expect(whole.choices).toHaveLength(1);
          const chat = createChatStreamTranslator({ ...CONTEXT, includeUsage });
          const frames = chunks.map((c) => chat.push(c)).join("") + chat.end();
          const data = frames.split("\n\n").filter((f) => f !== "");
          expect(data.at(-1)).toBe("data: [DONE]");
          const parsed = data
            .slice(0, -1)
            .map((f) => JSON.parse(f.slice(6)) as { choices: { finish_reason: unknown }[] });
          expect(parsed.filter((c) => c.choices[0]?.finish_reason != null)).toHaveLength(1);
        }),
        { numRuns: 500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe("responses translators", () => {
  test(
    "no request body makes the request translator throw; refusals are one line naming a path",
    () => expectOneLineRefusals(responsesBody, translateResponsesRequest),
    PROPERTY_TIMEOUT_MS,
  );

  test(
    "no Gemini reply makes the reply translators throw; a stream is numbered, balanced, ends once, and ends as the whole reply",
    () => {
      const context = { clientModel: "gpt-x", stem: "p", createdAt: 1 };
      fc.assert(
        fc.property(fc.array(geminiChunk, { maxLength: 5 }), (chunks) => {
          const whole = translateResponsesReply(chunks, context);
          const stream = createResponsesStreamTranslator(context);
          const frames = chunks.map((c) => stream.push(c)).join("") + stream.end();
          const events = frames
            .split("\n\n")
            .filter((f) => f !== "")
            .map(
              (f) =>
                JSON.parse(f.slice(f.indexOf("data: ") + 6)) as {
                  type: string;
                  sequence_number: number;
                  response?: unknown;
                },
            );
          expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
          const added = events.filter((e) => e.type === "response.output_item.added").length;
          expect(events.filter((e) => e.type === "response.output_item.done").length).toBe(added);
          const last = events.at(-1);
          expect(["response.completed", "response.incomplete"]).toContain(last?.type ?? "");
          expect(last?.response).toEqual(whole);
        }),
        { numRuns: 500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
