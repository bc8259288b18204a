/**
 * Chat Completions through grantpool as the official OpenAI SDK sees it, on both upstream
 * profiles: plain answers and streams (with `stream_options.include_usage`), system and developer
 * messages in Gemini's system instruction, sampling and limits fitted to Gemini, structured output
 * by json_schema, images as data URLs, and the requests it refuses with a clear 400.
 */
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import {
  geminiRequestOf,
  generateCalls,
  PROFILES,
  upstreamModelOf,
} from "../../support/anthropic-sdk-fixture.ts";
import { apiFailure, startOpenAiFixture } from "../../support/openai-sdk-fixture.ts";

const A = "alice@example.com";
const MODEL = "gpt-4.1";
const PIXEL =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

describe.each(PROFILES)("chat completions on the %s profile", (profile) => {
  test("a plain question is answered as a chat.completion with usage, served by the mapped Gemini model", async () => {
    await using f = await startOpenAiFixture({ emails: [A], profile });
    f.app.google.scriptTurns({ parts: [{ text: "Hello there." }], cachedTokens: 3 });
    const completion = await f.client().chat.completions.create({
      model: MODEL,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Answer in English." }] },
        { role: "user", content: "hi" },
      ],
      max_completion_tokens: 200_000,
      temperature: 0.5,
      top_p: 0.9,
      stop: "END",
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.id).toStartWith("chatcmpl-");
    expect(completion.model).toBe(MODEL);
    expect(completion.created).toBe(Math.floor(f.app.clock.now() / 1000));
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: { role: "assistant", content: "Hello there.", refusal: null },
        finish_reason: "stop",
        logprobs: null,
      },
    ]);
    expect(completion.usage?.prompt_tokens).toBeGreaterThanOrEqual(3);
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(3);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
    const call = generateCalls(f.app)[0];
    expect(upstreamModelOf(call)).toBe("gemini-2.5-pro");
    const sent = geminiRequestOf(call);
    expect(sent.systemInstruction).toEqual({
      parts: [{ text: "Be brief." }, { text: "Answer in English." }],
    });
    expect(sent.contents).toEqual([{ role: "user", parts: [{ text: "hi" }] }]);
    expect(sent.generationConfig).toEqual({
      maxOutputTokens: 65536,
      temperature: 0.5,
      topP: 0.9,
      stopSequences: ["END"],
    });
  });

  test("a stream arrives as chunks the SDK assembles, with a usage chunk when asked for, then [DONE]", async () => {
    await using f = await startOpenAiFixture({ emails: [A], profile });
    f.app.google.scriptTurns({ parts: [{ text: "Once upon a time." }], piecesPerText: 3 });
    const stream = await f.client().chat.completions.create({
      model: "gpt-4.1-mini",
      messages: [{ role: "user", content: "tell a story" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("Once upon a time.");
    expect(chunks.filter((c) => (c.choices[0]?.delta.content ?? "") !== "").length).toBe(3);
    const finish = chunks.at(-2);
    expect(finish?.choices[0]?.finish_reason).toBe("stop");
    expect(finish?.usage).toBeNull();
    const usage = chunks.at(-1);
    expect(usage?.choices).toEqual([]);
    expect(usage?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(upstreamModelOf(generateCalls(f.app)[0])).toBe("gemini-2.5-flash");

    // The SDK's own stream helper gets the same answer.
    f.app.google.scriptTurns({ parts: [{ text: "The end." }] });
    const helper = f
      .client()
      .chat.completions.stream({ model: MODEL, messages: [{ role: "user", content: "and then?" }] });
    const final = await helper.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe("The end.");
    expect(final.choices[0]?.finish_reason).toBe("stop");
  });

  test("response_format json_schema asks Gemini for JSON of that schema, and the SDK parses the answer", async () => {
    await using f = await startOpenAiFixture({ emails: [A], profile });
    f.app.google.scriptTurns({ parts: [{ text: '{"city":"Paris","temperature":21}' }] });
    const schema = {
      type: "object",
      properties: { city: { type: "string" }, temperature: { type: "number" } },
      required: ["city", "temperature"],
      additionalProperties: false,
    };
    const completion = await f.client().chat.completions.parse({
      model: MODEL,
      messages: [{ role: "user", content: "weather?" }],
      response_format: { type: "json_schema", json_schema: { name: "weather", schema, strict: true } },
    });
    expect(completion.choices[0]?.message.parsed).toEqual({ city: "Paris", temperature: 21 });
    expect(geminiRequestOf(generateCalls(f.app)[0]).generationConfig).toMatchObject({
      responseMimeType: "application/json",
      responseJsonSchema: { type: "object", required: ["city", "temperature"] },
    });

    await f.client().chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "json please" }],
      response_format: { type: "json_object" },
    });
    expect(geminiRequestOf(generateCalls(f.app)[1]).generationConfig).toEqual({
      responseMimeType: "application/json",
    });
  });

  test("an image as a data URL reaches Gemini inline; reasoning_effort becomes Gemini's thinking", async () => {
    await using f = await startOpenAiFixture({ emails: [A], profile });
    await f.client().chat.completions.create({
      model: "o3",
      reasoning_effort: "low",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PIXEL}` } },
          ],
        },
      ],
    });
    const sent = geminiRequestOf(generateCalls(f.app)[0]);
    expect(sent.contents).toEqual([
      {
        role: "user",
        parts: [{ text: "What is this?" }, { inlineData: { mimeType: "image/png", data: PIXEL } }],
      },
    ]);
    expect(sent.generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 2048, includeThoughts: false },
    });
  });
});

describe("requests chat completions refuses", () => {
  test("n > 1, a remote image URL and a malformed body are 400s naming the field, and nothing goes upstream", async () => {
    await using f = await startOpenAiFixture({ emails: [A] });
    const client = f.client();
    const before = JSON.stringify(f.app.pool.summary());
    const many = await apiFailure(
      client.chat.completions.create({ model: MODEL, n: 2, messages: [{ role: "user", content: "hi" }] }),
    );
    expect(many).toBeInstanceOf(OpenAI.BadRequestError);
    expect(many.message).toContain("n: only 1 is supported");
    expect(many.type).toBe("invalid_request_error");

    const remote = await apiFailure(
      client.chat.completions.create({
        model: MODEL,
        messages: [
          {
            role: "user",
            content: [{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }],
          },
        ],
      }),
    );
    expect(remote).toBeInstanceOf(OpenAI.BadRequestError);
    expect(remote.message).toContain("messages[0].content[0].image_url.url: remote URLs are not supported");

    const role = await apiFailure(
      client.chat.completions.create({
        model: MODEL,
        messages: [{ role: "robot" as "user", content: "hi" }],
      }),
    );
    expect(role).toBeInstanceOf(OpenAI.BadRequestError);
    expect(role.message).toContain("messages[0].role");
    const args = await apiFailure(
      client.chat.completions.create({
        model: MODEL,
        messages: [
          { role: "user", content: "hi" },
          {
            role: "assistant",
            tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{not json" } }],
          },
          { role: "tool", tool_call_id: "c1", content: "x" },
        ],
      }),
    );
    expect(args.message).toContain("messages[1].tool_calls[0].function.arguments");
    const streamed = await apiFailure(
      client.chat.completions.create({ model: MODEL, messages: [], stream: true }),
    );
    expect(streamed).toBeInstanceOf(OpenAI.BadRequestError);
    expect(streamed.message).toContain("messages");
    expect(f.app.google.calls.upstream).toBe(0);
    expect(JSON.stringify(f.app.pool.summary())).toBe(before);
  });
});
