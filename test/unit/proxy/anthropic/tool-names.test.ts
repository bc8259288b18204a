import { describe, expect, test } from "bun:test";
import { translateGenerateContentReply } from "../../../../src/proxy/anthropic/messages-reply.ts";
import { createToolNameMap, geminiToolName } from "../../../../src/proxy/translation/tool-names.ts";
import { translated } from "./translate.ts";

const GEMINI_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
const LONG = `mcp__claude_in_chrome__${"very_long_tool_name_".repeat(5)}x`;

describe("tool names", () => {
  test.each(["Read", "mcp__github__create_issue", "_x", "a".repeat(64), "a-b.c:d"])(
    "a name Gemini accepts (%s) is kept",
    (name) => {
      expect(geminiToolName(name)).toBe(name);
    },
  );

  test.each([
    ["too long", LONG],
    ["65 characters", "a".repeat(65)],
    ["a leading digit", "1password"],
    ["a leading hyphen", "-x"],
    ["characters Gemini refuses", "tool name/with spaces"],
  ])("a name with %s gets a name Gemini accepts, the same every time", (_what, name) => {
    const gemini = geminiToolName(name);
    expect(gemini).toMatch(GEMINI_NAME);
    expect(gemini).not.toBe(name);
    expect(geminiToolName(name)).toBe(gemini);
  });

  test("names that differ only past Gemini's length stay apart", () => {
    const a = geminiToolName(`${"x".repeat(70)}_a`);
    const b = geminiToolName(`${"x".repeat(70)}_b`);
    expect(a).not.toBe(b);
  });

  test("two client names on one Gemini name: the later one gets a counter", () => {
    const rewritten = geminiToolName("1abc");
    const map = createToolNameMap(["1abc", rewritten]);
    expect(map.toGemini("1abc")).toBe(rewritten);
    expect(map.toGemini(rewritten)).toBe(`${rewritten}_2`);
    expect([...map.renamed]).toEqual([
      [rewritten, "1abc"],
      [`${rewritten}_2`, rewritten],
    ]);
    expect(map.toClient(`${rewritten}_2`)).toBe(rewritten);
    expect(map.toClient("unknown")).toBe("unknown");
  });

  test("a renamed tool is declared, called in history and chosen under its Gemini name, and replies use the client's", () => {
    const gemini = geminiToolName(LONG);
    const request = translated({
      tools: [
        { name: "Read", input_schema: { type: "object" } },
        { name: LONG, input_schema: { type: "object" } },
      ],
      tool_choice: { type: "tool", name: LONG },
      messages: [
        { role: "user", content: "go" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: LONG, input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "done" }] },
      ],
    });
    const body = request.body as {
      tools: { functionDeclarations: { name: string }[] }[];
      toolConfig: unknown;
      contents: { parts: unknown[] }[];
    };
    expect(request.toolNames).toEqual(new Map([[gemini, LONG]]));
    expect(body.tools[0]?.functionDeclarations.map((d) => d.name)).toEqual(["Read", gemini]);
    expect(body.toolConfig).toEqual({
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: [gemini] },
    });
    expect(body.contents[1]?.parts[0]).toMatchObject({ functionCall: { name: gemini, args: {} } });
    expect(body.contents[2]?.parts).toEqual([
      { functionResponse: { name: gemini, response: { output: "done" } } },
    ]);

    const reply = translateGenerateContentReply(
      {
        candidates: [
          { content: { role: "model", parts: [{ functionCall: { name: gemini, args: { a: 1 } } }] } },
        ],
      },
      { clientModel: "claude-x", messageId: "msg_1", toolNames: request.toolNames },
    );
    expect(reply.content).toEqual([{ type: "tool_use", id: "toolu_1_0", name: LONG, input: { a: 1 } }]);
  });
});
