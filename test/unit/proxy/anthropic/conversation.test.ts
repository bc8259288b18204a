import { describe, expect, test } from "bun:test";
import { SKIP_SIGNATURE } from "../../../../src/proxy/translation/gemini-contents.ts";
import { geminiBody, HI, refusal } from "./translate.ts";

const BILLING = "x-anthropic-billing-header: cc_version=2.1.3.abc; cc_entrypoint=cli; cch=00000;";
const cached = { type: "ephemeral", ttl: "1h" };

/** `system` and `messages` → Gemini's `systemInstruction` (or none) and `contents`. */
const CONVERSATIONS: [string, Record<string, unknown>, { systemInstruction?: unknown; contents: unknown }][] =
  [
    [
      "system as a string",
      { system: "Be brief.", messages: HI },
      {
        systemInstruction: { parts: [{ text: "Be brief." }] },
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
      },
    ],
    [
      "system as text blocks with cache_control, the billing header block dropped",
      {
        system: [
          { type: "text", text: BILLING },
          { type: "text", text: "You are Claude Code.", cache_control: cached },
          { type: "text", text: "" },
          { type: "text", text: "Use tools.", cache_control: { type: "ephemeral" } },
        ],
        messages: HI,
      },
      {
        systemInstruction: { parts: [{ text: "You are Claude Code." }, { text: "Use tools." }] },
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
      },
    ],
    [
      "a system string that starts with the billing header keeps the lines after it",
      { system: `${BILLING}\nYou are Claude Code.`, messages: HI },
      {
        systemInstruction: { parts: [{ text: "You are Claude Code." }] },
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
      },
    ],
    [
      "an empty system and a system of only the billing header send no instruction",
      { system: "", messages: [{ role: "system", content: BILLING }, ...HI] },
      { contents: [{ role: "user", parts: [{ text: "hi" }] }] },
    ],
    [
      "role: system messages mid-conversation (string, blocks, empty) join the instruction in order",
      {
        system: "first",
        messages: [
          { role: "user", content: "hi" },
          { role: "system", content: "second" },
          {
            role: "system",
            content: [{ type: "text", text: "third", cache_control: cached }, { type: "image" }],
          },
          { role: "system", content: [] },
          { role: "system", content: "" },
          { role: "assistant", content: "hello" },
        ],
      },
      {
        systemInstruction: { parts: [{ text: "first" }, { text: "second" }, { text: "third" }] },
        contents: [
          { role: "user", parts: [{ text: "hi" }] },
          { role: "model", parts: [{ text: "hello" }] },
        ],
      },
    ],
    [
      "consecutive turns of one role are merged, also across a system message",
      {
        messages: [
          { role: "user", content: "a" },
          { role: "user", content: [{ type: "text", text: "b", cache_control: cached }] },
          { role: "assistant", content: "c" },
          { role: "system", content: "s" },
          { role: "assistant", content: [{ type: "text", text: "d" }] },
          { role: "user", content: "e" },
        ],
      },
      {
        systemInstruction: { parts: [{ text: "s" }] },
        contents: [
          { role: "user", parts: [{ text: "a" }, { text: "b" }] },
          { role: "model", parts: [{ text: "c" }, { text: "d" }] },
          { role: "user", parts: [{ text: "e" }] },
        ],
      },
    ],
    [
      "turns without parts are dropped, and their neighbours merged",
      {
        messages: [
          { role: "user", content: "a" },
          { role: "assistant", content: "" },
          { role: "user", content: [{ type: "text", text: "" }] },
          { role: "assistant", content: [{ type: "redacted_thinking", data: "x" }] },
          { role: "user", content: "b" },
        ],
      },
      { contents: [{ role: "user", parts: [{ text: "a" }, { text: "b" }] }] },
    ],
    [
      "a conversation may end with an assistant turn (a prefill)",
      { messages: [...HI, { role: "assistant", content: "{" }] },
      {
        contents: [
          { role: "user", parts: [{ text: "hi" }] },
          { role: "model", parts: [{ text: "{" }] },
        ],
      },
    ],
  ];

describe("the conversation", () => {
  test.each(CONVERSATIONS)("%s", (_name, fields, expected) => {
    const { systemInstruction, contents } = geminiBody(fields);
    expect({ systemInstruction, contents }).toEqual({ systemInstruction: undefined, ...expected });
  });

  test("a model turn whose function calls carry no signature gets Google's placeholder on its first call", () => {
    const { contents } = geminiBody({
      messages: [
        ...HI,
        {
          role: "assistant",
          content: [
            { type: "text", text: "two calls" },
            { type: "tool_use", id: "t1", name: "a", input: {} },
            { type: "tool_use", id: "t2", name: "b", input: { x: 1 } },
          ],
        },
      ],
    });
    expect(contents).toEqual([
      { role: "user", parts: [{ text: "hi" }] },
      {
        role: "model",
        parts: [
          { text: "two calls" },
          { functionCall: { name: "a", args: {} }, thoughtSignature: SKIP_SIGNATURE },
          { functionCall: { name: "b", args: { x: 1 } } },
        ],
      },
    ]);
  });

  test("a model turn with a signed call keeps its signatures as they are", () => {
    const { contents } = geminiBody({
      messages: [
        ...HI,
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: "t1", name: "a", input: {} },
            { type: "thinking", thinking: "", signature: "S2" },
            { type: "tool_use", id: "t2", name: "b", input: {} },
          ],
        },
      ],
    });
    expect((contents as { parts: unknown[] }[])[1]?.parts).toEqual([
      { functionCall: { name: "a", args: {} } },
      { functionCall: { name: "b", args: {} }, thoughtSignature: "S2" },
    ]);
  });

  const EMPTY: [string, unknown[]][] = [
    ["no messages", []],
    ["only system messages", [{ role: "system", content: "s" }]],
    [
      "only empty turns",
      [
        { role: "user", content: "" },
        { role: "assistant", content: [] },
      ],
    ],
  ];
  test.each(EMPTY)("refuses a conversation with %s", (_name, messages) => {
    expect(refusal({ messages })).toBe(
      "messages: at least one user or assistant message with content is required",
    );
  });

  test("refuses a system text block whose text is not a string, naming its path", () => {
    expect(refusal({ system: [{ type: "text" }], messages: HI })).toBe("system[0].text: must be a string");
    expect(refusal({ messages: [...HI, { role: "system", content: [{ type: "text", text: 1 }] }] })).toBe(
      "messages[1].content[0].text: must be a string",
    );
  });
});
