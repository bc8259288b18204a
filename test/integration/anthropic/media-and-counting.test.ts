/**
 * Images and token counts through grantpool as the Anthropic SDK sees them, on both upstream
 * profiles: a base64 image reaches Gemini as inlineData, an image by URL is refused before any
 * account is used (grantpool never fetches what a client names), and count_tokens answers from
 * Gemini's countTokens, tools included.
 */
import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import {
  geminiRequestOf,
  generateCalls,
  PROFILES,
  startAnthropicFixture,
} from "../../support/anthropic-sdk-fixture.ts";

const A = "alice@example.com";
/** A 1×1 transparent PNG. */
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

describe.each(PROFILES)("images and counting on the %s profile", (profile) => {
  test("a base64 image reaches Gemini as inlineData beside the text", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    const message = await f.client().messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 50,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            { type: "text", text: "What is this?" },
          ],
        },
      ],
    });
    expect(message.content as unknown[]).toEqual([{ type: "text", text: `answered by ${A}` }]);
    expect(geminiRequestOf(generateCalls(f.app)[0]).contents).toEqual([
      {
        role: "user",
        parts: [{ inlineData: { mimeType: "image/png", data: PNG } }, { text: "What is this?" }],
      },
    ]);
  });

  test("an image by URL is a 400 naming the block, and no upstream call is made", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    const before = JSON.stringify(f.app.pool.summary());
    const refused = await f
      .client()
      .messages.create({
        model: "claude-sonnet-4-6",
        max_tokens: 50,
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "image", source: { type: "url", url: "http://127.0.0.1:1/cat.png" } },
            ],
          },
        ],
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    const error = refused as InstanceType<typeof Anthropic.BadRequestError>;
    expect(error.type).toBe("invalid_request_error");
    expect(error.apiMessage).toStartWith("messages[0].content[1].source.type:");
    expect(f.app.google.calls.upstream).toBe(0);
    expect(f.app.google.calls.refresh).toBe(0);
    expect(JSON.stringify(f.app.pool.summary())).toBe(before);
  });

  test("countTokens counts the conversation, and declared tools add to the count", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    const client = f.client();
    const messages: Anthropic.MessageParam[] = [
      { role: "user", content: "How many tokens is this sentence, more or less?" },
    ];
    const plain = await client.messages.countTokens({ model: "claude-sonnet-4-6", messages });
    expect(plain.input_tokens).toBeGreaterThan(0);
    const withTools = await client.messages.countTokens({
      model: "claude-sonnet-4-6",
      system: "You are terse.",
      messages,
      tools: [
        {
          name: "search_the_repository",
          description: "Searches every file of the repository for a regular expression and lists matches",
          input_schema: {
            type: "object",
            properties: { pattern: { type: "string" } },
            required: ["pattern"],
          },
        },
      ],
    });
    expect(withTools.input_tokens).toBeGreaterThan(plain.input_tokens + 10);
    const counts = f.app.google.upstreamRequests.filter((r) => r.path.endsWith(":countTokens"));
    expect(counts).toHaveLength(2);
    expect(generateCalls(f.app)).toHaveLength(0);
    expect(f.received.map((r) => r.target)).toEqual([
      "/v1/messages/count_tokens",
      "/v1/messages/count_tokens",
    ]);
  });
});
