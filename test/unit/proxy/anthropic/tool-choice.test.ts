import { describe, expect, test } from "bun:test";
import { geminiBody, HI, refusal } from "./translate.ts";

const tools = [
  { name: "Read", input_schema: { type: "object" } },
  { name: "Grep", input_schema: { type: "object" } },
  { name: "Later", input_schema: { type: "object" }, defer_loading: true },
  { type: "web_search_20250305", name: "web_search" },
];

const CHOICES: [string, unknown, unknown][] = [
  ["none given: Gemini's default", undefined, undefined],
  ["auto", { type: "auto" }, { functionCallingConfig: { mode: "AUTO" } }],
  [
    "auto without parallel calls (no Gemini switch)",
    { type: "auto", disable_parallel_tool_use: true },
    { functionCallingConfig: { mode: "AUTO" } },
  ],
  ["any", { type: "any" }, { functionCallingConfig: { mode: "ANY" } }],
  ["none", { type: "none" }, { functionCallingConfig: { mode: "NONE" } }],
  [
    "one tool",
    { type: "tool", name: "Grep" },
    { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["Grep"] } },
  ],
];

describe("tool_choice", () => {
  test.each(CHOICES)("%s", (_name, choice, toolConfig) => {
    expect(geminiBody({ messages: HI, tools, tool_choice: choice }).toolConfig).toEqual(toolConfig);
  });

  test("is not sent without declared function tools, which Gemini would refuse", () => {
    expect(geminiBody({ messages: HI, tool_choice: { type: "any" } }).toolConfig).toBeUndefined();
    expect(
      geminiBody({ messages: HI, tools: [tools[3]], tool_choice: { type: "tool", name: "web_search" } })
        .toolConfig,
    ).toBeUndefined();
  });

  test.each([
    ["an unknown tool", "Write"],
    ["a deferred tool not yet loaded", "Later"],
    ["a server tool", "web_search"],
  ])("refuses a choice of %s", (_name, name) => {
    expect(refusal({ messages: HI, tools, tool_choice: { type: "tool", name } })).toBe(
      "tool_choice.name: names no function tool declared in tools",
    );
  });
});
