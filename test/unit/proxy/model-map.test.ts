import { describe, expect, test } from "bun:test";
import { BUILT_IN_MODEL_MAP, createModelMap, describeModelMap } from "../../../src/proxy/model-map.ts";

describe("the model map", () => {
  test("maps current Claude and OpenAI names onto Gemini models out of the box, and passes other names through", () => {
    const map = createModelMap([]);
    expect(map.resolve("claude-sonnet-4-5-20250929")).toBe("gemini-2.5-pro");
    expect(map.resolve("claude-opus-4-1")).toBe("gemini-2.5-pro");
    expect(map.resolve("claude-3-5-haiku-20241022")).toBe("gemini-2.5-flash");
    expect(map.resolve("claude-haiku-5-5")).toBe("gemini-2.5-flash");
    expect(map.resolve("claude-fable-5-2")).toBe("gemini-2.5-pro");
    expect(map.resolve("gpt-5.1-codex-max")).toBe("gemini-2.5-pro");
    expect(map.resolve("gpt-4o")).toBe("gemini-2.5-pro");
    expect(map.resolve("gpt-5-mini")).toBe("gemini-2.5-flash");
    expect(map.resolve("gpt-4.1-nano")).toBe("gemini-2.5-flash-lite");
    expect(map.resolve("o4-mini")).toBe("gemini-2.5-flash");
    expect(map.resolve("o3")).toBe("gemini-2.5-pro");
    expect(map.resolve("gemini-2.5-flash")).toBe("gemini-2.5-flash");
    expect(map.resolve("my-model")).toBe("my-model");
  });

  test("tries the user's exact names, then the user's patterns in order, then the built-in entries", () => {
    const map = createModelMap([
      "claude-*=gemini-3-pro-preview",
      "claude-haiku-4-5=gemini-2.5-flash-lite",
      "*=gemini-2.5-flash",
    ]);
    expect(map.resolve("claude-haiku-4-5")).toBe("gemini-2.5-flash-lite");
    expect(map.resolve("CLAUDE-HAIKU-4-5")).toBe("gemini-2.5-flash-lite");
    expect(map.resolve("claude-sonnet-4-5")).toBe("gemini-3-pro-preview");
    expect(map.resolve("anything")).toBe("gemini-2.5-flash");
    expect(map.entries.map((entry) => entry.source)).toEqual([
      "setting",
      "setting",
      "setting",
      ...Array.from({ length: BUILT_IN_MODEL_MAP.length }, () => "built-in" as const),
    ]);
  });

  test("a target of * keeps the client's name, which the built-in map would have changed", () => {
    const map = createModelMap(["claude-*=*"]);
    expect(map.resolve("claude-sonnet-4-5")).toBe("claude-sonnet-4-5");
    expect(describeModelMap(map)).toStartWith("claude-* → (as asked), claude-*haiku* → gemini-2.5-flash");
  });

  test("pattern characters other than * match themselves", () => {
    const map = createModelMap(["a.b+c(d)=x"]);
    expect(map.resolve("a.b+c(d)")).toBe("x");
    expect(map.resolve("aXb+c(d)")).toBe("aXb+c(d)");
  });
});
