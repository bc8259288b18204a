import { describe, expect, test } from "bun:test";
import { geminiBody, HI } from "./translate.ts";

const schema = { type: "object", properties: { q: { type: "string" } }, required: ["q"] };
const fn = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  description: `does ${name}`,
  input_schema: schema,
  ...extra,
});
const declaration = (name: string) => ({ name, description: `does ${name}`, parametersJsonSchema: schema });

/** `tools` (and the conversation) → Gemini's `tools`. */
const DECLARATIONS: [string, Record<string, unknown>, unknown][] = [
  [
    "function tools, in order, with cleaned schemas",
    {
      tools: [
        fn("Read"),
        {
          name: "Bash",
          description: "runs",
          input_schema: {
            $schema: "https://json-schema.org/draft/2020-12/schema",
            type: "object",
            properties: {},
          },
          cache_control: { type: "ephemeral" },
        },
      ],
    },
    [
      {
        functionDeclarations: [
          declaration("Read"),
          { name: "Bash", description: "runs", parametersJsonSchema: { type: "object", properties: {} } },
        ],
      },
    ],
  ],
  [
    "custom tools are function tools",
    { tools: [fn("a", { type: "custom" })] },
    [{ functionDeclarations: [declaration("a")] }],
  ],
  [
    "a tool without description or schema: its name, and an empty object",
    { tools: [{ name: "ping" }, { name: "pong", description: "", input_schema: null }] },
    [
      {
        functionDeclarations: [
          { name: "ping", description: "ping", parametersJsonSchema: { type: "object", properties: {} } },
          { name: "pong", description: "pong", parametersJsonSchema: { type: "object", properties: {} } },
        ],
      },
    ],
  ],
  [
    "server tools are left out",
    {
      tools: [
        { type: "web_search_20250305", name: "web_search", max_uses: 5 },
        fn("Read"),
        { type: "bash_20250124", name: "bash" },
        { type: "text_editor_20250728", name: "str_replace_based_edit_tool" },
        { type: "code_execution_20250825", name: "code_execution" },
      ],
    },
    [{ functionDeclarations: [declaration("Read")] }],
  ],
  [
    "only server tools: no tools at all",
    { tools: [{ type: "web_search_20250305", name: "web_search" }] },
    undefined,
  ],
  ["an empty list: no tools at all", { tools: [] }, undefined],
  [
    "a second tool of one name is left out",
    { tools: [fn("a"), fn("a", { description: "other" })] },
    [{ functionDeclarations: [declaration("a")] }],
  ],
  [
    "deferred tools are left out until a tool_reference loads them",
    {
      tools: [
        fn("Read"),
        fn("DeferredToolPlaceholder", { defer_loading: true }),
        fn("Grep", { defer_loading: true }),
      ],
    },
    [{ functionDeclarations: [declaration("Read")] }],
  ],
  [
    "a tool_reference in a user turn loads a deferred tool",
    {
      tools: [fn("Read"), fn("Grep", { defer_loading: true }), fn("Glob", { defer_loading: true })],
      messages: [{ role: "user", content: [{ type: "tool_reference", tool_name: "Grep" }] }],
    },
    [{ functionDeclarations: [declaration("Read"), declaration("Grep")] }],
  ],
  [
    "a tool_reference inside a tool_result (Claude Code's ToolSearch) loads a deferred tool",
    {
      tools: [fn("ToolSearch"), fn("Glob", { defer_loading: true }), fn("Grep", { defer_loading: false })],
      messages: [
        ...HI,
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "t1", name: "ToolSearch", input: { q: "glob" } }],
        },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "t1",
              content: [{ type: "tool_reference", tool_name: "Glob" }],
            },
          ],
        },
      ],
    },
    [{ functionDeclarations: [declaration("ToolSearch"), declaration("Glob"), declaration("Grep")] }],
  ],
];

describe("tool declarations", () => {
  test.each(DECLARATIONS)("%s", (_name, fields, tools) => {
    expect(geminiBody({ messages: HI, ...fields }).tools).toEqual(tools);
  });
});
