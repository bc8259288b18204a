import { describe, expect, test } from "bun:test";
import { geminiBody, HI } from "./translate.ts";

/** [fields, upstream model, generationConfig] */
const CONFIGS: [string, Record<string, unknown>, string | undefined, unknown][] = [
  ["max_tokens as maxOutputTokens", { max_tokens: 4096 }, undefined, { maxOutputTokens: 4096 }],
  ["Claude Code's 32000", { max_tokens: 32000 }, "gemini-2.5-pro", { maxOutputTokens: 32000 }],
  ["128000 clamped to Gemini's 65536", { max_tokens: 128000 }, "gemini-2.5-pro", { maxOutputTokens: 65536 }],
  ["128000 clamped for an unknown model", { max_tokens: 128000 }, undefined, { maxOutputTokens: 65536 }],
  [
    "clamped to 8192 for a model without thinking",
    { max_tokens: 20000 },
    "gemini-2.0-flash",
    { maxOutputTokens: 8192 },
  ],
  [
    "sampling passed on",
    { temperature: 0.2, top_p: 0.9, top_k: 40 },
    undefined,
    { maxOutputTokens: 1024, temperature: 0.2, topP: 0.9, topK: 40 },
  ],
  [
    "stop_sequences: empty ones dropped, at most five",
    { stop_sequences: ["a", "", "b", "c", "d", "e", "f"] },
    undefined,
    { maxOutputTokens: 1024, stopSequences: ["a", "b", "c", "d", "e"] },
  ],
  ["no stop sequences left: none sent", { stop_sequences: [""] }, undefined, { maxOutputTokens: 1024 }],
  [
    "metadata, service_tier and unknown fields dropped",
    { metadata: { user_id: "user_abc" }, service_tier: "auto", context_management: {}, temperature: 0 },
    undefined,
    { maxOutputTokens: 1024, temperature: 0 },
  ],
];

describe("generation config", () => {
  test.each(CONFIGS)("%s", (_name, fields, model, config) => {
    const options = model === undefined ? {} : { upstreamModelFor: () => model };
    const body = geminiBody({ messages: HI, ...fields }, options);
    expect(body.generationConfig).toEqual(config);
    expect(JSON.stringify(body)).not.toContain("user_abc");
  });

  test("a Messages request becomes exactly contents, systemInstruction, tools, toolConfig and generationConfig", () => {
    const body = geminiBody({
      system: "s",
      messages: HI,
      tools: [{ name: "a" }],
      tool_choice: { type: "auto" },
      metadata: { user_id: "u" },
    });
    expect(Object.keys(body).sort()).toEqual([
      "contents",
      "generationConfig",
      "systemInstruction",
      "toolConfig",
      "tools",
    ]);
  });
});
