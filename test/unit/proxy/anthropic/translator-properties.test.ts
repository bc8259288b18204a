/**
 * Properties over generated input: no request, reply or stream chunk makes a translator throw;
 * refusals are one line; a stream is always a well-formed sequence of events, and it assembles
 * into the same message as the whole reply of the same chunks.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  translateCountTokensReply,
  translateGenerateContentReply,
} from "../../../../src/proxy/anthropic/messages-reply.ts";
import {
  translateCountTokensRequest,
  translateMessagesRequest,
} from "../../../../src/proxy/anthropic/messages-request.ts";
import { createAnthropicStreamTranslator } from "../../../../src/proxy/anthropic/messages-stream.ts";
import { toGeminiJsonSchema } from "../../../../src/proxy/translation/tool-schema.ts";
import { blocksOf, parseFrames, streamProblem } from "./sse-frames.ts";

/** Generating input is CPU work; a loaded machine may take a while, and must not fail for it. */
const PROPERTY_TIMEOUT_MS = 30_000;
const GEMINI_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
const CONTEXT = { clientModel: "claude-x", messageId: "msg_p" };

// Near-valid Messages requests: the right shapes with wrong values mixed in.

const anyJson = fc.jsonValue({ maxDepth: 2, depthSize: "xsmall" });

/** Mostly a fitting value, sometimes (one time in `odds`) any JSON at all. */
const mostly = <T>(valid: fc.Arbitrary<T>, odds = 12): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: odds - 1, arbitrary: valid }, { weight: 1, arbitrary: anyJson });
/** For the envelope's fields: a request should mostly get past it, to reach the translation. */
const rarely = 60;

const ids = fc.constantFrom("t1", "t2", "t3", "toolu_p_0");
const toolNames = fc.oneof(
  fc.constantFrom(
    "Read",
    "Bash",
    "mcp__server__a_very_long_tool_name_that_goes_past_gemini_limits_x",
    "1st",
    "a b",
  ),
  fc.string({ minLength: 1, maxLength: 80 }),
);
const source = mostly(
  fc.oneof(
    fc.record({
      type: fc.constant("base64"),
      media_type: fc.constantFrom("image/png", "application/pdf"),
      data: fc.base64String(),
    }),
    fc.record(
      {
        type: fc.constantFrom("url", "file", "text", "content", "other"),
        url: fc.webUrl(),
        data: anyJson,
        content: anyJson,
      },
      { requiredKeys: ["type"] },
    ),
  ),
);
const signature = fc.oneof(fc.constant(""), fc.constantFrom("S1", "S2"), anyJson);

const block: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  block: mostly(
    fc.oneof(
      { depthSize: "xsmall" },
      fc.record(
        {
          type: fc.constant("text"),
          text: mostly(fc.string()),
          cache_control: fc.constant({ type: "ephemeral" }),
        },
        { requiredKeys: ["type", "text"] },
      ),
      fc.record(
        { type: fc.constantFrom("image", "document"), source, title: fc.string() },
        { requiredKeys: ["type"] },
      ),
      fc.record(
        {
          type: fc.constant("tool_use"),
          id: mostly(ids),
          name: mostly(toolNames),
          input: mostly(fc.dictionary(fc.string(), anyJson, { maxKeys: 3 })),
        },
        { requiredKeys: ["type", "id", "name"] },
      ),
      fc.record(
        {
          type: fc.constant("tool_result"),
          tool_use_id: mostly(ids),
          content: mostly(fc.oneof(fc.string(), fc.array(tie("block"), { maxLength: 3 }))),
          is_error: fc.boolean(),
        },
        { requiredKeys: ["type", "tool_use_id"] },
      ),
      fc.record({ type: fc.constant("thinking"), thinking: mostly(fc.string()), signature }),
      fc.record({
        type: fc.constantFrom("tool_reference", "search_result", "redacted_thinking", "server_tool_use", "x"),
        tool_name: toolNames,
        title: fc.string(),
        content: anyJson,
      }),
    ),
  ),
})).block;

const content = mostly(fc.oneof(fc.string(), fc.array(block, { maxLength: 5 })), rarely);
const message = mostly(
  fc.record({ role: mostly(fc.constantFrom("user", "assistant", "system"), rarely), content }),
  rarely,
);

const schema: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  schema: fc.oneof(
    { depthSize: "xsmall", withCrossShrink: true },
    anyJson,
    fc.record(
      {
        type: fc.oneof(
          fc.constantFrom("object", "string", "integer", "number", "array", "boolean", "null", "x"),
          fc.array(fc.constantFrom("string", "null", "integer")),
        ),
        properties: fc.dictionary(fc.constantFrom("a", "b", "$ref", "__proto__", "c"), tie("schema"), {
          maxKeys: 3,
        }),
        required: fc.array(fc.oneof(fc.constantFrom("a", "b", "z"), anyJson), { maxLength: 3 }),
        items: fc.oneof(tie("schema"), fc.array(tie("schema"), { maxLength: 2 })),
        additionalProperties: fc.oneof(fc.boolean(), tie("schema")),
        anyOf: fc.array(tie("schema"), { maxLength: 3 }),
        oneOf: fc.array(tie("schema"), { maxLength: 3 }),
        allOf: fc.oneof(fc.array(tie("schema"), { maxLength: 3 }), anyJson),
        $ref: fc.constantFrom(
          "#",
          "#/",
          "#/$defs/A",
          "#/definitions/B",
          "#/properties/a",
          "#/$defs/A/properties/x",
          "#/%ZZ",
          "other.json",
          "#/items/0",
        ),
        $defs: fc.record({ A: tie("schema"), B: tie("schema") }, { requiredKeys: [] }),
        definitions: fc.record({ B: tie("schema") }, { requiredKeys: [] }),
        enum: fc.array(anyJson, { maxLength: 3 }),
        const: anyJson,
        format: fc.constantFrom("date-time", "uri", "int64", "email"),
        pattern: fc.oneof(fc.string(), fc.constantFrom("(?=x)", "(a)\\1", "^[a-z]+$")),
        minimum: fc.oneof(fc.double(), anyJson),
        exclusiveMinimum: fc.oneof(fc.double(), fc.boolean()),
        exclusiveMaximum: fc.oneof(fc.integer(), fc.boolean()),
        minLength: fc.oneof(fc.integer(), anyJson),
        description: anyJson,
        default: anyJson,
      },
      { requiredKeys: [] },
    ),
  ),
})).schema;

const tool = mostly(
  fc.record(
    {
      name: mostly(toolNames, rarely),
      type: mostly(fc.constantFrom("custom", "web_search_20250305", "bash_20250124"), rarely),
      description: mostly(fc.string(), rarely),
      // The cleaning has a property of its own below; a few shapes do here.
      input_schema: mostly(
        fc.constantFrom(
          { type: "object", properties: { a: { type: "string" } }, required: ["a", "b"] },
          { $ref: "#/$defs/A", $defs: { A: { type: "object", properties: { a: { $ref: "#" } } } } },
          { anyOf: [{ type: "object" }, { type: "string" }] },
        ),
      ),
      defer_loading: mostly(fc.boolean(), rarely),
    },
    { requiredKeys: ["name"] },
  ),
  rarely,
);

const requestFields = fc.record(
  {
    model: mostly(fc.constantFrom("claude-sonnet-4-5", "gemini-3-pro-preview"), rarely),
    max_tokens: mostly(fc.integer({ min: 1, max: 200_000 }), rarely),
    messages: mostly(fc.array(message, { minLength: 1, maxLength: 6 }), rarely),
    system: mostly(fc.oneof(fc.string(), fc.array(block, { maxLength: 3 })), rarely),
    tools: mostly(fc.array(tool, { maxLength: 4 }), rarely),
    tool_choice: mostly(
      fc.record(
        {
          type: fc.constantFrom("auto", "any", "none", "tool"),
          name: toolNames,
          disable_parallel_tool_use: fc.boolean(),
        },
        { requiredKeys: ["type"] },
      ),
      rarely,
    ),
    thinking: mostly(
      fc.record(
        {
          type: fc.constantFrom("enabled", "adaptive", "disabled"),
          budget_tokens: fc.integer({ min: -10, max: 200_000 }),
          display: fc.constantFrom("summarized", "omitted"),
        },
        { requiredKeys: ["type"] },
      ),
      rarely,
    ),
    output_config: mostly(
      fc.record({ effort: fc.constantFrom("low", "medium", "high", "xhigh", "max") }),
      rarely,
    ),
    stream: mostly(fc.boolean(), rarely),
    temperature: mostly(fc.double({ min: 0, max: 2, noNaN: true }), rarely),
    top_p: mostly(fc.double({ min: 0, max: 1, noNaN: true }), rarely),
    top_k: mostly(fc.integer(), rarely),
    stop_sequences: mostly(fc.array(fc.string(), { maxLength: 8 }), rarely),
    metadata: anyJson,
  },
  { requiredKeys: ["model", "max_tokens", "messages"] },
);

/** Every function name in a Gemini body. */
function functionNames(body: Record<string, unknown>): string[] {
  const names: string[] = [];
  JSON.stringify(body, (key, value: unknown) => {
    if (
      (key === "functionCall" || key === "functionResponse") &&
      typeof value === "object" &&
      value !== null
    ) {
      names.push(String((value as { name: unknown }).name));
    }
    return value;
  });
  const tools = (body.tools ?? []) as { functionDeclarations: { name: string }[] }[];
  for (const entry of tools)
    for (const declaration of entry.functionDeclarations) names.push(declaration.name);
  return names;
}

function checkRequestResult(result: ReturnType<typeof translateMessagesRequest>): void {
  if (!result.ok) {
    expect(typeof result.error).toBe("string");
    expect(result.error).not.toContain("\n");
    return;
  }
  const { body } = result.value;
  const contents = body.contents as { role: string; parts: unknown[] }[];
  expect(contents.length).toBeGreaterThan(0);
  for (const turn of contents) {
    expect(["user", "model"]).toContain(turn.role);
    expect(turn.parts.length).toBeGreaterThan(0);
  }
  for (const name of functionNames(body)) expect(name).toMatch(GEMINI_NAME);
  expect(() => JSON.stringify(body)).not.toThrow();
}

// Gemini-ish replies.

const part = fc.oneof(
  fc.record({ text: fc.string(), thoughtSignature: signature }, { requiredKeys: ["text"] }),
  fc.record(
    {
      thought: fc.oneof(fc.constant(true), anyJson),
      text: fc.oneof(fc.string(), anyJson),
      thoughtSignature: signature,
    },
    { requiredKeys: ["thought"] },
  ),
  fc.record(
    {
      functionCall: fc.oneof(
        fc.record({ name: fc.oneof(toolNames, anyJson), args: anyJson }, { requiredKeys: [] }),
        anyJson,
      ),
      thoughtSignature: signature,
    },
    { requiredKeys: ["functionCall"] },
  ),
  anyJson,
);
const usage = fc.record(
  {
    promptTokenCount: fc.oneof(fc.nat(), anyJson),
    cachedContentTokenCount: fc.oneof(fc.nat(), anyJson),
    candidatesTokenCount: fc.oneof(fc.nat(), anyJson),
    thoughtsTokenCount: fc.oneof(fc.nat(), anyJson),
  },
  { requiredKeys: [] },
);
const geminiChunk = fc.oneof(
  fc.record(
    {
      candidates: fc.oneof(
        fc.array(
          fc.record(
            {
              content: fc.oneof(
                fc.record({
                  role: fc.constant("model"),
                  parts: fc.oneof(fc.array(part, { maxLength: 5 }), anyJson),
                }),
                anyJson,
              ),
              finishReason: fc.oneof(
                fc.constantFrom("STOP", "MAX_TOKENS", "SAFETY", "MALFORMED_FUNCTION_CALL", ""),
                anyJson,
              ),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
        anyJson,
      ),
      usageMetadata: fc.oneof(usage, anyJson),
      promptFeedback: fc.oneof(fc.record({ blockReason: fc.string() }), anyJson),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
);

function checkBlocks(content: unknown): void {
  for (const block of content as Record<string, unknown>[]) {
    if (block.type === "text") expect(typeof block.text).toBe("string");
    else if (block.type === "thinking")
      expect([typeof block.thinking, typeof block.signature]).toEqual(["string", "string"]);
    else {
      expect(block.type).toBe("tool_use");
      expect([typeof block.id, typeof block.name, typeof block.input]).toEqual([
        "string",
        "string",
        "object",
      ]);
    }
  }
}

describe("generated requests", () => {
  test(
    "no JSON value makes the request translators throw",
    () => {
      fc.assert(
        fc.property(fc.jsonValue(), (input) => {
          checkRequestResult(translateMessagesRequest(input, { upstreamModelFor: () => "gemini-2.5-pro" }));
          const count = translateCountTokensRequest(input);
          if (!count.ok) expect(count.error).not.toContain("\n");
        }),
        { numRuns: 500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    "near-valid Messages requests never make the translators throw, and what they accept fits Gemini",
    () => {
      fc.assert(
        fc.property(
          requestFields,
          fc.constantFrom(undefined, "gemini-2.5-flash", "gemini-3-pro-preview", "gemini-2.0-flash"),
          (fields, upstream) => {
            const options = upstream === undefined ? {} : { upstreamModelFor: () => upstream };
            checkRequestResult(translateMessagesRequest(fields, options));
            const count = translateCountTokensRequest(fields);
            if (count.ok) expect(() => JSON.stringify(count.value.body)).not.toThrow();
          },
        ),
        { numRuns: 500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    "a cleaned tool schema is an object schema of Gemini's keywords only, with no reference left",
    () => {
      const allowed = new Set([
        "type",
        "title",
        "description",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "anyOf",
        "enum",
        "default",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "format",
        "pattern",
      ]);
      const check = (node: unknown): void => {
        expect(typeof node === "object" && node !== null && !Array.isArray(node)).toBe(true);
        const record = node as Record<string, unknown>;
        for (const key of Object.keys(record)) expect(allowed).toContain(key);
        expect(record.type !== undefined && record.anyOf !== undefined).toBe(false);
        for (const child of Object.values((record.properties ?? {}) as object)) check(child);
        for (const child of (record.anyOf ?? []) as unknown[]) check(child);
        if (record.items !== undefined) check(record.items);
        if (typeof record.additionalProperties === "object") check(record.additionalProperties);
      };
      fc.assert(
        fc.property(schema, (input) => {
          const cleaned = toGeminiJsonSchema(input);
          expect(cleaned.type).toBe("object");
          check(cleaned);
        }),
        { numRuns: 500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe("generated replies", () => {
  test(
    "no JSON value makes the reply translators throw, and the message is well formed",
    () => {
      fc.assert(
        fc.property(fc.oneof(geminiChunk, fc.array(geminiChunk, { maxLength: 4 })), (gemini) => {
          const message = translateGenerateContentReply(gemini, CONTEXT);
          checkBlocks(message.content);
          expect(["end_turn", "max_tokens", "tool_use", "refusal"]).toContain(message.stop_reason as string);
          expect(translateCountTokensReply(gemini).input_tokens).toBeGreaterThanOrEqual(0);
        }),
        { numRuns: 500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    "a stream of any chunks is well formed, and assembles into the whole reply of the same chunks",
    () => {
      fc.assert(
        fc.property(
          fc.array(geminiChunk, { maxLength: 6 }),
          fc.array(geminiChunk, { maxLength: 2 }),
          (chunks, late) => {
            const translator = createAnthropicStreamTranslator(CONTEXT);
            const text = chunks.map((chunk) => translator.push(chunk)).join("") + translator.end();
            for (const chunk of late) expect(translator.push(chunk)).toBe("");
            expect(translator.end()).toBe("");
            const frames = parseFrames(text);
            expect(streamProblem(frames)).toBeUndefined();
            const whole = translateGenerateContentReply(chunks, CONTEXT);
            expect(JSON.stringify(blocksOf(frames))).toBe(JSON.stringify(whole.content));
            const end = frames.at(-2)?.data as { delta: { stop_reason: string }; usage: unknown };
            expect([end.delta.stop_reason, end.usage]).toEqual([whole.stop_reason as string, whole.usage]);
          },
        ),
        { numRuns: 500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe("the well-formedness check itself", () => {
  const frame = (event: string, rest: Record<string, unknown> = {}) => ({
    event,
    data: { type: event, ...rest },
  });
  const START = [frame("message_start"), frame("ping")];
  const END = [frame("message_delta"), frame("message_stop")];
  const text = (index: number) => frame("content_block_start", { index, content_block: { type: "text" } });
  test.each([
    ["no message_start", [frame("ping"), ...END]],
    ["no message_stop", [...START, frame("message_delta")]],
    ["a block never stopped", [...START, text(0), ...END]],
    ["a block starting inside another", [...START, text(0), text(1), ...END]],
    ["a block at the wrong index", [...START, text(1), frame("content_block_stop", { index: 1 }), ...END]],
    [
      "a delta of the wrong kind",
      [
        ...START,
        text(0),
        frame("content_block_delta", { index: 0, delta: { type: "input_json_delta" } }),
        frame("content_block_stop", { index: 0 }),
        ...END,
      ],
    ],
    ["an error inside", [...START, frame("error"), ...END]],
  ])("catches %s", (_name, frames) => {
    expect(streamProblem(frames)).toBeString();
  });
});
