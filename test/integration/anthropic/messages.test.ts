/**
 * The Messages API as the official Anthropic SDK sees it, against the Google emulator behind
 * grantpool on both upstream profiles (SPEC §6.1, §6.3): a message whole and streamed (the
 * SDK's MessageStream and the raw events), Claude Code's `?beta=true`, the model map, the model
 * list and the root probes.
 */
import { describe, expect, test } from "bun:test";
import {
  geminiRequestOf,
  generateCalls,
  PROFILES,
  startAnthropicFixture,
  upstreamModelOf,
} from "../../support/anthropic-sdk-fixture.ts";

const A = "alice@example.com";
const HI = [{ role: "user" as const, content: "hi" }];

describe.each(PROFILES)("messages on the %s profile", (profile) => {
  test("a message comes back whole, in the client's model name, from a pool account", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    const { data: message, response } = await f
      .client()
      .messages.create({ model: "claude-sonnet-4-6", max_tokens: 100, system: "Be brief.", messages: HI })
      .withResponse();
    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      content: [{ type: "text", text: `answered by ${A}` }],
      stop_reason: "end_turn",
      stop_sequence: null,
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(response.headers.get("x-grantpool-account")).toBe("id-alice");
    const [call] = generateCalls(f.app);
    expect(upstreamModelOf(call)).toBe("gemini-2.5-pro");
    expect(geminiRequestOf(call)).toMatchObject({
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: { maxOutputTokens: 100 },
    });
    // The client's key stays with grantpool.
    expect(call?.headers["x-api-key"]).toBeUndefined();
    expect(JSON.stringify(call?.headers)).not.toContain("sk-ant-");
  });

  test("MessageStream assembles the streamed text and its final message", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    f.app.google.setStreamChunks(["one ", "two ", "three"]);
    const stream = f.client().messages.stream({ model: "claude-haiku-4-5", max_tokens: 50, messages: HI });
    const texts: string[] = [];
    stream.on("text", (text) => texts.push(text));
    const message = await stream.finalMessage();
    expect(texts).toEqual(["one ", "two ", "three"]);
    expect(message.content as unknown[]).toEqual([{ type: "text", text: "one two three" }]);
    expect(message.model).toBe("claude-haiku-4-5");
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    const call = generateCalls(f.app).at(-1);
    expect(call?.path).toEndWith(":streamGenerateContent");
    expect(upstreamModelOf(call)).toBe("gemini-2.5-flash");
  });

  test("raw stream events come in Anthropic's order", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    f.app.google.setStreamChunks(["one ", "two ", "three"]);
    const stream = await f
      .client()
      .messages.create({ model: "claude-opus-4-7", max_tokens: 50, stream: true, messages: HI });
    const events = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.type)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events[0]).toMatchObject({
      message: { model: "claude-opus-4-7", content: [], stop_reason: null },
    });
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: "end_turn" } });
  });

  test("Claude Code's beta endpoint (?beta=true) is served like the plain one", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    // The SDK's beta resource sends the betas as a header; Claude Code also adds the query.
    const message = await f.client().beta.messages.create(
      {
        model: "claude-sonnet-4-6",
        max_tokens: 100,
        messages: HI,
        betas: ["interleaved-thinking-2025-05-14"],
      },
      { query: { beta: "true" } },
    );
    expect(message.content as unknown[]).toEqual([{ type: "text", text: `answered by ${A}` }]);
    expect(f.received.map((r) => r.target)).toEqual(["/v1/messages?beta=true"]);
    expect(f.received[0]?.headers.get("anthropic-beta")).toBe("interleaved-thinking-2025-05-14");
  });

  test("--model-map sends the mapped model upstream and answers in the client's name", async () => {
    await using f = await startAnthropicFixture({
      emails: [A],
      profile,
      modelMap: ["claude-sonnet-4-6=gemini-2.0-flash", "house-*=gemini-2.5-flash"],
    });
    const client = f.client();
    const mapped = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 10, messages: HI });
    expect(mapped.model).toBe("claude-sonnet-4-6");
    expect(upstreamModelOf(generateCalls(f.app).at(-1))).toBe("gemini-2.0-flash");
    const pattern = await client.messages.create({ model: "house-large", max_tokens: 10, messages: HI });
    expect(pattern.model).toBe("house-large");
    expect(upstreamModelOf(generateCalls(f.app).at(-1))).toBe("gemini-2.5-flash");
    // The built-in map still takes the Claude names no setting names.
    await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 10, messages: HI });
    expect(upstreamModelOf(generateCalls(f.app).at(-1))).toBe("gemini-2.5-flash");
  });

  test("models.list() pages the served models in Anthropic's shape", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    const client = f.client();
    const models = [];
    for await (const model of client.models.list({ limit: 1 })) models.push(model);
    expect(models.length).toBeGreaterThan(1);
    expect(models.map((m) => m.id)).toContain("gemini-2.5-pro");
    expect(new Set(models.map((m) => m.id)).size).toBe(models.length);
    for (const model of models) {
      expect(model).toMatchObject({ type: "model", created_at: "1970-01-01T00:00:00Z" });
      expect(model.display_name).not.toBe("");
    }
    expect(f.received.filter((r) => r.target.startsWith("/v1/models")).length).toBe(models.length);
  });
});

describe("root probes", () => {
  test("GET / and HEAD / answer 200, as clients probe them", async () => {
    await using f = await startAnthropicFixture({ emails: [A] });
    const get = await fetch(`${f.server.url}/`);
    expect(get.status).toBe(200);
    await get.arrayBuffer();
    const head = await fetch(`${f.server.url}/`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(f.app.google.calls.upstream).toBe(0);
  });
});
