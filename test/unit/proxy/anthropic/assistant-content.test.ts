import { describe, expect, test } from "bun:test";
import { SKIP_SIGNATURE } from "../../../../src/proxy/translation/gemini-contents.ts";
import { geminiBody, refusal } from "./translate.ts";

/** The parts of the model turn an assistant message with this content makes. */
function modelParts(content: unknown): unknown {
  const { contents } = geminiBody({
    messages: [
      { role: "user", content: "go" },
      { role: "assistant", content },
    ],
  });
  return (contents as { parts: unknown }[])[1]?.parts;
}

const call = (name: string, args: Record<string, unknown> = {}) => ({ functionCall: { name, args } });

const ASSISTANT_CONTENT: [string, unknown, unknown][] = [
  ["a string", "hello", [{ text: "hello" }]],
  [
    "text and tool_use blocks; a missing input is {}",
    [
      { type: "text", text: "reading" },
      { type: "tool_use", id: "t1", name: "read", input: { path: "a" } },
      { type: "tool_use", id: "t2", name: "ls", input: null, cache_control: { type: "ephemeral" } },
    ],
    [{ text: "reading" }, { ...call("read", { path: "a" }), thoughtSignature: SKIP_SIGNATURE }, call("ls")],
  ],
  [
    "a thinking block with text and signature → a signed thought",
    [
      { type: "thinking", thinking: "hmm", signature: "S1" },
      { type: "text", text: "answer" },
    ],
    [{ thought: true, text: "hmm", thoughtSignature: "S1" }, { text: "answer" }],
  ],
  [
    "a signature-only thinking block → the signature on the tool_use after it",
    [
      { type: "thinking", thinking: "", signature: "S1" },
      { type: "tool_use", id: "t1", name: "read", input: {} },
      { type: "tool_use", id: "t2", name: "ls", input: {} },
    ],
    [{ ...call("read"), thoughtSignature: "S1" }, call("ls")],
  ],
  [
    "a signature-only thinking block → the signature on the text after it",
    [
      { type: "text", text: "a" },
      { type: "thinking", thinking: "", signature: "S1" },
      { type: "text", text: "b" },
    ],
    [{ text: "a" }, { text: "b", thoughtSignature: "S1" }],
  ],
  [
    "a closing signature-only block → an empty signed text part",
    [
      { type: "text", text: "a" },
      { type: "thinking", thinking: "", signature: "S1" },
    ],
    [{ text: "a" }, { text: "", thoughtSignature: "S1" }],
  ],
  [
    "two signature-only blocks in a row → the first on an empty thought",
    [
      { type: "thinking", thinking: "", signature: "S1" },
      { type: "thinking", thinking: "", signature: "S2" },
      { type: "text", text: "b" },
    ],
    [
      { thought: true, text: "", thoughtSignature: "S1" },
      { text: "b", thoughtSignature: "S2" },
    ],
  ],
  [
    "a held signature before a thought with text → its own empty thought",
    [
      { type: "thinking", thinking: "", signature: "S1" },
      { type: "thinking", thinking: "more", signature: "S2" },
      { type: "text", text: "b" },
    ],
    [
      { thought: true, text: "", thoughtSignature: "S1" },
      { thought: true, text: "more", thoughtSignature: "S2" },
      { text: "b" },
    ],
  ],
  [
    "unsigned thinking, redacted thinking, server tool blocks and empty text dropped",
    [
      { type: "thinking", thinking: "summary", signature: "" },
      { type: "thinking", thinking: "summary" },
      { type: "redacted_thinking", data: "opaque" },
      { type: "server_tool_use", id: "s1", name: "web_search", input: { query: "q" } },
      { type: "web_search_tool_result", tool_use_id: "s1", content: [] },
      { type: "text", text: "" },
      { type: "text", text: "kept" },
    ],
    [{ text: "kept" }],
  ],
];

describe("assistant content", () => {
  test.each(ASSISTANT_CONTENT)("%s", (_name, content, parts) => {
    expect(modelParts(content)).toEqual(parts);
  });

  const REFUSALS: [string, unknown, string][] = [
    [
      "a tool_use without id",
      [{ type: "tool_use", name: "a", input: {} }],
      "messages[1].content[0].id: must be a string",
    ],
    [
      "a tool_use without name",
      [{ type: "tool_use", id: "t", input: {} }],
      "messages[1].content[0].name: must be a string",
    ],
    [
      "a tool_use whose input is a list",
      [
        { type: "text", text: "x" },
        { type: "tool_use", id: "t", name: "a", input: [1] },
      ],
      "messages[1].content[1].input: must be an object",
    ],
    [
      "a text block without text",
      [{ type: "text", text: null }],
      "messages[1].content[0].text: must be a string",
    ],
  ];
  test.each(REFUSALS)("refuses %s, naming the path", (_name, content, message) => {
    expect(
      refusal({
        messages: [
          { role: "user", content: "go" },
          { role: "assistant", content },
        ],
      }),
    ).toBe(message);
  });
});
