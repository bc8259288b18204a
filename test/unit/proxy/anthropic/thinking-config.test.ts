import { describe, expect, test } from "bun:test";
import {
  type GeminiFamily,
  geminiFamilyOf,
  type ThinkingRequest,
  thinkingConfigFor,
} from "../../../../src/proxy/translation/thinking-config.ts";
import { geminiBody, HI } from "./translate.ts";

const FAMILIES: [string | undefined, GeminiFamily][] = [
  ["gemini-3-pro-preview", "gemini-3"],
  ["gemini-3-flash-preview", "gemini-3"],
  ["models/Gemini-3.1-Pro", "gemini-3"],
  ["gemini-2.5-pro", "2.5-pro"],
  ["gemini-2.5-flash", "2.5-flash"],
  ["gemini-2.5-flash-preview-09-2025", "2.5-flash"],
  ["gemini-2.5-flash-lite", "2.5-flash-lite"],
  ["gemini-2.0-flash", "no-thinking"],
  ["gemini-1.5-pro", "no-thinking"],
  ["gemini-exp-1206", "unknown"],
  ["claude-sonnet-4-5", "unknown"],
  [undefined, "unknown"],
];

const enabled = (budget?: number): ThinkingRequest => ({ type: "enabled", budgetTokens: budget });
const adaptive = (effort?: string): ThinkingRequest => ({ type: "adaptive", effort });
const DISABLED: ThinkingRequest = { type: "disabled" };

/** [request, family, thinkingConfig]: the table in thinking-config.ts, row by row. */
const CONFIGS: [string, ThinkingRequest, GeminiFamily, unknown][] = [
  ["enabled 10000 on 2.5 pro", enabled(10000), "2.5-pro", { thinkingBudget: 10000, includeThoughts: true }],
  [
    "enabled 64 on 2.5 pro, raised to its minimum",
    enabled(64),
    "2.5-pro",
    { thinkingBudget: 128, includeThoughts: true },
  ],
  [
    "enabled 100000 on 2.5 pro, lowered to its maximum",
    enabled(100000),
    "2.5-pro",
    { thinkingBudget: 32768, includeThoughts: true },
  ],
  [
    "enabled 100000 on 2.5 flash",
    enabled(100000),
    "2.5-flash",
    { thinkingBudget: 24576, includeThoughts: true },
  ],
  [
    "enabled 100 on 2.5 flash-lite",
    enabled(100),
    "2.5-flash-lite",
    { thinkingBudget: 512, includeThoughts: true },
  ],
  [
    "enabled without budget on 2.5 flash: its maximum",
    enabled(),
    "2.5-flash",
    { thinkingBudget: 24576, includeThoughts: true },
  ],
  [
    "enabled 30000 on an unknown model: every 2.5's range",
    enabled(30000),
    "unknown",
    { thinkingBudget: 24576, includeThoughts: true },
  ],
  [
    "enabled 4096 on Gemini 3: low",
    enabled(4096),
    "gemini-3",
    { thinkingLevel: "low", includeThoughts: true },
  ],
  [
    "enabled 4097 on Gemini 3: high",
    enabled(4097),
    "gemini-3",
    { thinkingLevel: "high", includeThoughts: true },
  ],
  [
    "enabled without budget on Gemini 3: high",
    enabled(),
    "gemini-3",
    { thinkingLevel: "high", includeThoughts: true },
  ],
  [
    "adaptive, effort low, on 2.5 pro",
    adaptive("low"),
    "2.5-pro",
    { thinkingBudget: 2048, includeThoughts: true },
  ],
  [
    "adaptive, effort medium, on 2.5 pro: dynamic",
    adaptive("medium"),
    "2.5-pro",
    { thinkingBudget: -1, includeThoughts: true },
  ],
  [
    "adaptive without effort on 2.5 flash: dynamic",
    adaptive(),
    "2.5-flash",
    { thinkingBudget: -1, includeThoughts: true },
  ],
  [
    "adaptive, effort high, on 2.5 pro",
    adaptive("high"),
    "2.5-pro",
    { thinkingBudget: 16384, includeThoughts: true },
  ],
  [
    "adaptive, effort xhigh, on 2.5 pro: its maximum",
    adaptive("xhigh"),
    "2.5-pro",
    { thinkingBudget: 32768, includeThoughts: true },
  ],
  [
    "adaptive, effort max, on 2.5 flash: its maximum",
    adaptive("max"),
    "2.5-flash",
    { thinkingBudget: 24576, includeThoughts: true },
  ],
  [
    "adaptive, an unknown effort: dynamic",
    adaptive("extreme"),
    "2.5-pro",
    { thinkingBudget: -1, includeThoughts: true },
  ],
  [
    "adaptive, effort low, on Gemini 3",
    adaptive("low"),
    "gemini-3",
    { thinkingLevel: "low", includeThoughts: true },
  ],
  [
    "adaptive, effort medium, on Gemini 3: the model's default",
    adaptive("medium"),
    "gemini-3",
    { includeThoughts: true },
  ],
  [
    "adaptive, effort max, on Gemini 3: the model's default",
    adaptive("max"),
    "gemini-3",
    { includeThoughts: true },
  ],
  ["disabled on 2.5 flash: off", DISABLED, "2.5-flash", { thinkingBudget: 0, includeThoughts: false }],
  [
    "disabled on 2.5 flash-lite: off",
    DISABLED,
    "2.5-flash-lite",
    { thinkingBudget: 0, includeThoughts: false },
  ],
  [
    "disabled on 2.5 pro: its least, no thoughts",
    DISABLED,
    "2.5-pro",
    { thinkingBudget: 128, includeThoughts: false },
  ],
  ["disabled on an unknown model: nothing", DISABLED, "unknown", undefined],
  [
    "disabled on Gemini 3: low, no thoughts",
    DISABLED,
    "gemini-3",
    { thinkingLevel: "low", includeThoughts: false },
  ],
  ["no thinking on 2.5 pro: the model's default", {}, "2.5-pro", undefined],
  ["no thinking on Gemini 3", { effort: "low" }, "gemini-3", undefined],
  ["enabled on a model without thinking", enabled(2048), "no-thinking", undefined],
  [
    "display omitted: no thought text",
    { type: "enabled", budgetTokens: 2048, display: "omitted" },
    "2.5-flash",
    { thinkingBudget: 2048, includeThoughts: false },
  ],
  [
    "display summarized: thought text",
    { type: "adaptive", display: "summarized" },
    "gemini-3",
    { includeThoughts: true },
  ],
];

describe("thinking", () => {
  test.each(FAMILIES)("%s is of the family %s", (model, family) => {
    expect(geminiFamilyOf(model)).toBe(family);
  });

  test.each(CONFIGS)("%s", (_name, request, family, config) => {
    expect(thinkingConfigFor(request, family)).toEqual(config as Record<string, unknown> | undefined);
  });

  test("a request's thinking and output_config.effort reach generationConfig for the mapped model", () => {
    const body = geminiBody(
      { messages: HI, thinking: { type: "adaptive" }, output_config: { effort: "low" } },
      { upstreamModelFor: (model) => (model === "claude-sonnet-4-5" ? "gemini-2.5-pro" : "x") },
    );
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 1024,
      thinkingConfig: { thinkingBudget: 2048, includeThoughts: true },
    });
    const budget = geminiBody(
      { messages: HI, thinking: { type: "enabled", budget_tokens: 2000, display: "omitted" } },
      { upstreamModelFor: () => "gemini-3-pro-preview" },
    );
    expect(budget.generationConfig).toEqual({
      maxOutputTokens: 1024,
      thinkingConfig: { thinkingLevel: "low", includeThoughts: false },
    });
  });
});
