/**
 * Thinking through grantpool as the Anthropic SDK sees it, on both upstream profiles: the
 * client's thinking settings become Gemini's thinkingConfig, thought summaries and their
 * signatures come back as `thinking` blocks (streamed as thinking_delta and signature_delta), and
 * on the next turn each signature goes back to Gemini on the part it came with — which Gemini 3
 * insists on for function calls.
 */
import { describe, expect, test } from "bun:test";
import type Anthropic from "@anthropic-ai/sdk";
import {
  geminiRequestOf,
  generateCalls,
  PROFILES,
  startAnthropicFixture,
  upstreamModelOf,
} from "../../support/anthropic-sdk-fixture.ts";
import { newThoughtSignature } from "../../support/google-emulator-turns.ts";

const A = "alice@example.com";
const ASK: Anthropic.MessageParam = { role: "user", content: "List the files." };
const BASH: Anthropic.Tool = {
  name: "Bash",
  input_schema: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
};

describe.each(PROFILES)("thinking on the %s profile", (profile) => {
  test("a thought summary and its signature come back as a thinking block, and the budget goes upstream", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    const signature = newThoughtSignature();
    f.app.google.scriptTurns({
      parts: [
        { text: "The user wants files.", thought: true, thoughtSignature: signature },
        { text: "Here they are." },
      ],
      thoughtsTokens: 40,
    });
    const message = await f.client().messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 4000,
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: [ASK],
    });
    expect(message.content as unknown[]).toEqual([
      { type: "thinking", thinking: "The user wants files.", signature },
      { type: "text", text: "Here they are." },
    ]);
    // Anthropic counts thinking as output.
    expect(message.usage.output_tokens).toBeGreaterThanOrEqual(40);
    expect(geminiRequestOf(generateCalls(f.app)[0]).generationConfig).toMatchObject({
      maxOutputTokens: 4000,
      thinkingConfig: { thinkingBudget: 2048, includeThoughts: true },
    });
  });

  test("streamed thinking arrives as thinking_delta then signature_delta, and MessageStream keeps both", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    const signature = newThoughtSignature();
    f.app.google.scriptTurns({
      parts: [{ text: "Thinking it over.", thought: true, thoughtSignature: signature }, { text: "Done." }],
    });
    const stream = f.client().messages.stream({
      model: "claude-sonnet-4-6",
      max_tokens: 4000,
      thinking: { type: "adaptive" },
      messages: [ASK],
    });
    const sequence: string[] = [];
    const thinking: string[] = [];
    stream.on("streamEvent", (event) => {
      sequence.push(event.type === "content_block_delta" ? event.delta.type : event.type);
      if (event.type === "content_block_delta" && event.delta.type === "thinking_delta") {
        thinking.push(event.delta.thinking);
      }
    });
    const message = await stream.finalMessage();
    expect(sequence).toEqual([
      "message_start",
      "content_block_start",
      "thinking_delta",
      "thinking_delta",
      "signature_delta",
      "content_block_stop",
      "content_block_start",
      "text_delta",
      "text_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(thinking.join("")).toBe("Thinking it over.");
    expect(message.content as unknown[]).toEqual([
      { type: "thinking", thinking: "Thinking it over.", signature },
      { type: "text", text: "Done." },
    ]);
  });

  test("on Gemini 3, a function call's signature returns on the same part next turn, and a lost one is replaced by Google's placeholder", async () => {
    await using f = await startAnthropicFixture({
      emails: [A],
      profile,
      modelMap: ["claude-*=gemini-3-pro-preview"],
    });
    const thought = newThoughtSignature();
    const call = newThoughtSignature();
    f.app.google.scriptTurns(
      {
        parts: [
          { text: "I should run ls.", thought: true, thoughtSignature: thought },
          { functionCall: { name: "Bash", args: { command: "ls" } }, thoughtSignature: call },
        ],
      },
      { parts: [{ text: "a.txt and b.txt." }] },
    );
    const client = f.client();
    const params = {
      model: "claude-opus-4-7",
      max_tokens: 8000,
      thinking: { type: "adaptive" as const },
      tools: [BASH],
    };
    const first = await client.messages.stream({ ...params, messages: [ASK] }).finalMessage();
    expect(upstreamModelOf(generateCalls(f.app)[0])).toBe("gemini-3-pro-preview");
    expect(geminiRequestOf(generateCalls(f.app)[0]).generationConfig).toMatchObject({
      thinkingConfig: { includeThoughts: true },
    });
    expect(first.content.map((b) => b.type)).toEqual(["thinking", "thinking", "tool_use"]);
    expect(first.content[1]).toMatchObject({ type: "thinking", thinking: "", signature: call });
    const use = first.content[2] as Anthropic.ToolUseBlock;
    const result: Anthropic.MessageParam = {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: use.id, content: "a.txt\nb.txt" }],
    };

    const second = await client.messages.create({
      ...params,
      messages: [ASK, { role: "assistant", content: first.content }, result],
    });
    expect(second.content as unknown[]).toEqual([{ type: "text", text: "a.txt and b.txt." }]);
    const model = (
      geminiRequestOf(generateCalls(f.app).at(-1)).contents as { role: string; parts: unknown[] }[]
    )[1];
    expect(model?.role).toBe("model");
    expect(model?.parts).toEqual([
      { thought: true, text: "I should run ls.", thoughtSignature: thought },
      { functionCall: { name: "Bash", args: { command: "ls" } }, thoughtSignature: call },
    ]);

    // A client that drops the thinking blocks loses the signature; Gemini 3 would refuse the
    // turn, so the call carries Google's documented placeholder instead.
    f.app.google.scriptTurns({ parts: [{ text: "Still a.txt and b.txt." }] });
    const stripped = first.content.filter((b) => b.type !== "thinking");
    const served = await client.messages.create({
      ...params,
      messages: [ASK, { role: "assistant", content: stripped }, result],
    });
    expect(served.content as unknown[]).toEqual([{ type: "text", text: "Still a.txt and b.txt." }]);
    const placeholder = (geminiRequestOf(generateCalls(f.app).at(-1)).contents as { parts: unknown[] }[])[1];
    expect(placeholder?.parts).toEqual([
      {
        functionCall: { name: "Bash", args: { command: "ls" } },
        thoughtSignature: "skip_thought_signature_validator",
      },
    ]);
  });
});
