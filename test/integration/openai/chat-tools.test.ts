/**
 * Tool calls through Chat Completions as the OpenAI SDK sees them, on both upstream profiles:
 * Gemini's function calls come back as `tool_calls` (whole, and streamed as deltas the SDK
 * assembles), the client's `tool` messages reach Gemini as `functionResponse`s of the right
 * function, `tool_choice` becomes Gemini's function calling mode, and on Gemini 3 a replayed call
 * carries Google's placeholder signature (Chat Completions has nowhere to keep the real one).
 */
import { describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import { geminiRequestOf, generateCalls, PROFILES } from "../../support/anthropic-sdk-fixture.ts";
import { functionResponsesIn } from "../../support/google-emulator-turns.ts";
import { startOpenAiFixture } from "../../support/openai-sdk-fixture.ts";

const A = "alice@example.com";
const MODEL = "gpt-4.1";
const city = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
const WEATHER: OpenAI.ChatCompletionTool = {
  type: "function",
  function: { name: "get_weather", description: "The weather in a city", parameters: city },
};
const TIME: OpenAI.ChatCompletionTool = {
  type: "function",
  function: { name: "get_time", description: "The time in a city", parameters: city, strict: true },
};
const ASK: OpenAI.ChatCompletionMessageParam = { role: "user", content: "Weather and time in Paris?" };

describe.each(PROFILES)("chat tools on the %s profile", (profile) => {
  test("function calls come back as tool_calls, and the tool messages reach Gemini as their function's responses", async () => {
    await using f = await startOpenAiFixture({ emails: [A], profile });
    f.app.google.scriptTurns(
      {
        parts: [
          { text: "Let me look." },
          { functionCall: { name: "get_weather", args: { city: "Paris" } } },
          { functionCall: { name: "get_time", args: { city: "Paris" } } },
        ],
      },
      { parts: [{ text: "Sunny, noon." }] },
    );
    const client = f.client();
    const first = await client.chat.completions.create({
      model: MODEL,
      tools: [WEATHER, TIME],
      tool_choice: "auto",
      messages: [ASK],
    });
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBe("Let me look.");
    const calls = (choice?.message.tool_calls ?? []) as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(calls.map((c) => [c.type, c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ["function", "get_weather", { city: "Paris" }],
      ["function", "get_time", { city: "Paris" }],
    ]);
    expect(calls.every((c) => c.id.startsWith("call_"))).toBe(true);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    const declared = geminiRequestOf(generateCalls(f.app)[0]);
    expect(declared.toolConfig).toEqual({ functionCallingConfig: { mode: "AUTO" } });

    const [weather, time] = calls;
    const second = await client.chat.completions.create({
      model: MODEL,
      tools: [WEATHER, TIME],
      messages: [
        ASK,
        choice?.message as OpenAI.ChatCompletionMessageParam,
        // Answered in the other order: the names follow the ids, not the positions.
        { role: "tool", tool_call_id: time?.id ?? "", content: "noon" },
        { role: "tool", tool_call_id: weather?.id ?? "", content: [{ type: "text", text: "22 °C" }] },
      ],
    });
    expect(second.choices[0]?.message.content).toBe("Sunny, noon.");
    const replayed = geminiRequestOf(generateCalls(f.app)[1]);
    expect(functionResponsesIn(replayed)).toEqual([
      { name: "get_time", response: { output: "noon" }, id: undefined },
      { name: "get_weather", response: { output: "22 °C" }, id: undefined },
    ]);
    expect(replayed.contents).toMatchObject([
      { role: "user" },
      { role: "model", parts: [{ text: "Let me look." }, { functionCall: { name: "get_weather" } }, {}] },
      { role: "user" },
    ]);
  });

  test("a streamed tool call arrives as tool_calls deltas that the SDK assembles into one call", async () => {
    await using f = await startOpenAiFixture({ emails: [A], profile });
    f.app.google.scriptTurns({
      parts: [
        { text: "Checking." },
        { functionCall: { name: "get_weather", args: { city: "Paris", days: 3 } } },
      ],
    });
    const stream = await f.client().chat.completions.create({
      model: MODEL,
      tools: [WEATHER],
      tool_choice: { type: "function", function: { name: "get_weather" } },
      messages: [ASK],
      stream: true,
    });
    const deltas: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(deltas[0]).toMatchObject({
      index: 0,
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    expect(JSON.parse(deltas.map((d) => d.function?.arguments ?? "").join(""))).toEqual({
      city: "Paris",
      days: 3,
    });
    expect(finish).toBe("tool_calls");
    expect(geminiRequestOf(generateCalls(f.app)[0]).toolConfig).toEqual({
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] },
    });

    f.app.google.scriptTurns({ parts: [{ functionCall: { name: "get_weather", args: { city: "Oslo" } } }] });
    const helper = f.client().chat.completions.stream({ model: MODEL, tools: [WEATHER], messages: [ASK] });
    const final = await helper.finalChatCompletion();
    const [call] = (final.choices[0]?.message.tool_calls ??
      []) as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(call?.function).toEqual({ name: "get_weather", arguments: '{"city":"Oslo"}' });
  });

  test("on Gemini 3 a replayed tool call carries Google's placeholder signature, so the turn is not refused", async () => {
    await using f = await startOpenAiFixture({
      emails: [A],
      profile,
      modelMap: ["gpt-*=gemini-3-pro-preview"],
    });
    f.app.google.requireThoughtSignatures(true);
    f.app.google.scriptTurns({ parts: [{ text: "It is sunny." }] });
    const reply = await f.client().chat.completions.create({
      model: MODEL,
      tools: [WEATHER],
      messages: [
        ASK,
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_x",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_x", content: "sunny" },
      ],
    });
    expect(reply.choices[0]?.message.content).toBe("It is sunny.");
    const model = (geminiRequestOf(generateCalls(f.app)[0]).contents as { parts: unknown[] }[])[1];
    expect(model?.parts).toEqual([
      {
        functionCall: { name: "get_weather", args: { city: "Paris" } },
        thoughtSignature: "skip_thought_signature_validator",
      },
    ]);
  });
});
