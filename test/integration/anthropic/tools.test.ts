/**
 * Tool use through grantpool as the Anthropic SDK sees it, on both upstream profiles: Gemini's
 * function calls come back as `tool_use` blocks (whole and streamed, one or several at once), the
 * client's `tool_result`s reach Gemini as `functionResponse`s of the right function, and tool
 * schemas and names Gemini would refuse are made to fit.
 */
import { describe, expect, test } from "bun:test";
import type Anthropic from "@anthropic-ai/sdk";
import {
  geminiRequestOf,
  generateCalls,
  PROFILES,
  startAnthropicFixture,
} from "../../support/anthropic-sdk-fixture.ts";
import { declaredFunctionNames, functionResponsesIn } from "../../support/google-emulator-turns.ts";

const A = "alice@example.com";
const MODEL = "claude-sonnet-4-6";

const WEATHER: Anthropic.Tool = {
  name: "get_weather",
  description: "The weather in a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};
const TIME: Anthropic.Tool = {
  name: "get_time",
  description: "The time in a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};
const ASK: Anthropic.MessageParam = { role: "user", content: "Weather and time in Paris?" };

function toolUses(content: Anthropic.ContentBlock[]): Anthropic.ToolUseBlock[] {
  return content.filter((block): block is Anthropic.ToolUseBlock => block.type === "tool_use");
}

describe.each(PROFILES)("tools on the %s profile", (profile) => {
  test("a function call for a declared tool comes back as tool_use, and its result reaches Gemini", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    f.app.google.scriptTurns(
      (call) => ({
        parts: [
          { text: "Let me look." },
          { functionCall: { name: declaredFunctionNames(call.request)[0] ?? "?", args: { city: "Paris" } } },
        ],
      }),
      { parts: [{ text: "Sunny in Paris." }] },
    );
    const client = f.client();
    const first = await client.messages.create({
      model: MODEL,
      max_tokens: 200,
      tools: [WEATHER],
      messages: [ASK],
    });
    expect(first.stop_reason).toBe("tool_use");
    expect(first.content[0]).toMatchObject({ type: "text", text: "Let me look." });
    const [use] = toolUses(first.content);
    expect(use).toMatchObject({ type: "tool_use", name: "get_weather", input: { city: "Paris" } });
    expect(use?.id).toMatch(/^toolu_/);
    const declared = geminiRequestOf(generateCalls(f.app)[0]);
    expect(declaredFunctionNames(declared)).toEqual(["get_weather"]);

    const second = await client.messages.create({
      model: MODEL,
      max_tokens: 200,
      tools: [WEATHER],
      messages: [
        ASK,
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: use?.id ?? "", content: "22 °C, sunny" }],
        },
      ],
    });
    expect(second.content as unknown[]).toEqual([{ type: "text", text: "Sunny in Paris." }]);
    expect(second.stop_reason).toBe("end_turn");
    const replayed = geminiRequestOf(generateCalls(f.app)[1]);
    expect(functionResponsesIn(replayed)).toEqual([
      { name: "get_weather", response: { output: "22 °C, sunny" }, id: undefined },
    ]);
    expect(replayed.contents).toMatchObject([
      { role: "user" },
      {
        role: "model",
        parts: [{ text: "Let me look." }, { functionCall: { name: "get_weather", args: { city: "Paris" } } }],
      },
      { role: "user" },
    ]);
  });

  test("parallel function calls become parallel tool_use blocks, and both results go back in one turn", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    f.app.google.scriptTurns({
      parts: [
        { functionCall: { name: "get_weather", args: { city: "Paris" } } },
        { functionCall: { name: "get_time", args: { city: "Paris" } } },
      ],
    });
    const client = f.client();
    const first = await client.messages.create({
      model: MODEL,
      max_tokens: 200,
      tools: [WEATHER, TIME],
      messages: [ASK],
    });
    const uses = toolUses(first.content);
    expect(uses.map((u) => [u.name, u.input])).toEqual([
      ["get_weather", { city: "Paris" }],
      ["get_time", { city: "Paris" }],
    ]);
    expect(new Set(uses.map((u) => u.id)).size).toBe(2);
    expect(first.stop_reason).toBe("tool_use");

    const [weather, time] = uses;
    await client.messages.create({
      model: MODEL,
      max_tokens: 200,
      tools: [WEATHER, TIME],
      messages: [
        ASK,
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [
            // Answered in the other order: the names follow the ids, not the positions.
            { type: "tool_result", tool_use_id: time?.id ?? "", content: "noon" },
            { type: "tool_result", tool_use_id: weather?.id ?? "", content: "boom", is_error: true },
          ],
        },
      ],
    });
    const replayed = geminiRequestOf(generateCalls(f.app).at(-1));
    expect(functionResponsesIn(replayed)).toEqual([
      { name: "get_time", response: { output: "noon" }, id: undefined },
      { name: "get_weather", response: { error: "boom" }, id: undefined },
    ]);
    const contents = replayed.contents as { role: string; parts: unknown[] }[];
    expect(contents.at(-1)?.parts).toHaveLength(2);
  });

  test("a streamed tool call arrives as input_json_delta and a whole tool_use in the final message", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    f.app.google.scriptTurns({
      parts: [
        { text: "Checking." },
        { functionCall: { name: "get_weather", args: { city: "Paris", days: 3 } } },
      ],
    });
    const stream = f
      .client()
      .messages.stream({ model: MODEL, max_tokens: 200, tools: [WEATHER], messages: [ASK] });
    const deltas: string[] = [];
    const events: string[] = [];
    stream.on("streamEvent", (event) => {
      events.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") {
        deltas.push(event.delta.partial_json);
      }
    });
    const message = await stream.finalMessage();
    expect(JSON.parse(deltas.join(""))).toEqual({ city: "Paris", days: 3 });
    expect(toolUses(message.content)).toMatchObject([
      { name: "get_weather", input: { city: "Paris", days: 3 } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
    expect(events.at(-2)).toBe("message_delta");
  });

  test("a tool schema with $ref, $defs, anyOf, oneOf, const and formats is sent in a form Gemini takes", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    const tool: Anthropic.Tool = {
      name: "book",
      input_schema: {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        $defs: {
          place: {
            type: "object",
            properties: { city: { type: "string" }, at: { type: "string", format: "date-time" } },
            required: ["city"],
            additionalProperties: false,
          },
        },
        properties: {
          from: { $ref: "#/$defs/place" },
          to: { $ref: "#/$defs/place" },
          seats: { type: ["integer", "null"], exclusiveMinimum: 0 },
          class: { oneOf: [{ const: "economy" }, { const: "business" }] },
          email: { type: "string", format: "email" },
          note: { anyOf: [{ type: "string" }, { type: "null" }] },
        },
        required: ["from", "to"],
        additionalProperties: false,
      },
    };
    const reply = await f.client().messages.create({
      model: MODEL,
      max_tokens: 50,
      tools: [tool],
      messages: [{ role: "user", content: "book it" }],
    });
    expect(reply.content as unknown[]).toEqual([{ type: "text", text: `answered by ${A}` }]);
    const sent = geminiRequestOf(generateCalls(f.app)[0]) as {
      tools: { functionDeclarations: { name: string; parametersJsonSchema: Record<string, unknown> }[] }[];
    };
    const [declaration] = sent.tools[0]?.functionDeclarations ?? [];
    const schema = declaration?.parametersJsonSchema;
    const text = JSON.stringify(schema);
    for (const keyword of [
      "$ref",
      "$defs",
      "$schema",
      "oneOf",
      "const",
      "exclusiveMinimum",
      '"format":"email"',
    ]) {
      expect(text).not.toContain(keyword);
    }
    expect(schema).toMatchObject({
      type: "object",
      required: ["from", "to"],
      properties: {
        from: { type: "object", properties: { city: { type: "string" }, at: { format: "date-time" } } },
        to: { type: "object", required: ["city"] },
        seats: { type: "integer", minimum: 1 },
        class: { anyOf: [{ enum: ["economy"] }, { enum: ["business"] }] },
      },
    });
  });

  test("a tool name Gemini refuses is renamed upstream and comes back in the client's spelling", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    const long = `mcp__github__${"search_issues_and_pull_requests_".repeat(3)}tool`;
    const tool: Anthropic.Tool = { ...WEATHER, name: long };
    const callDeclared = (call: { request: Record<string, unknown> }) => ({
      parts: [
        { functionCall: { name: declaredFunctionNames(call.request)[0] ?? "?", args: { city: "Oslo" } } },
      ],
    });
    f.app.google.scriptTurns(callDeclared, callDeclared);
    const client = f.client();
    const first = await client.messages.create({
      model: MODEL,
      max_tokens: 50,
      tools: [tool],
      messages: [ASK],
    });
    const [upstreamName] = declaredFunctionNames(geminiRequestOf(generateCalls(f.app)[0]));
    expect(upstreamName).not.toBe(long);
    expect(upstreamName?.length).toBeLessThanOrEqual(64);
    expect(toolUses(first.content).map((u) => u.name)).toEqual([long]);
    const again = await client.messages
      .stream({ model: MODEL, max_tokens: 50, tools: [tool], messages: [ASK] })
      .finalMessage();
    expect(toolUses(again.content).map((u) => u.name)).toEqual([long]);
  });
});
