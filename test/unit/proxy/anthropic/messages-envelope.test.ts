import { describe, expect, test } from "bun:test";
import {
  translateCountTokensRequest,
  translateMessagesRequest,
} from "../../../../src/proxy/anthropic/messages-request.ts";
import { BASE, HI } from "./translate.ts";

const SECRET = "sk-ant-SECRET-0123456789";
const withHi = (fields: Record<string, unknown>) => ({ ...BASE, messages: HI, ...fields });
const user = (content: unknown) => ({ ...BASE, messages: [{ role: "user", content }] });

/** A body → the one-line refusal it gets. */
const REFUSALS: [string, unknown, string][] = [
  ["null", null, "body: request body must be a JSON object"],
  ["an array", [], "body: request body must be a JSON object"],
  ["a string", "hello", "body: request body must be a JSON object"],
  ["no model", { max_tokens: 1, messages: HI }, "model: is required"],
  ["an empty model", withHi({ model: "" }), "model: must not be empty"],
  ["a numeric model", withHi({ model: 5 }), "model: must be a string naming the model"],
  ["no messages", { ...BASE }, "messages: is required"],
  ["messages as an object", withHi({ messages: {} }), "messages: must be an array of messages"],
  ["a message that is a number", withHi({ messages: [5] }), "messages[0]: must be a message object"],
  [
    "an unknown role",
    withHi({ messages: [{ role: "tool", content: "x" }] }),
    'messages[0].role: must be "user", "assistant" or "system"',
  ],
  ["a message without content", withHi({ messages: [{ role: "user" }] }), "messages[0].content: is required"],
  ["numeric content", user(5), "messages[0].content: must be a string or an array of content blocks"],
  ["a block that is a string", user(["x"]), "messages[0].content[0]: must be a content block object"],
  ["a block without type", user([{ text: "x" }]), "messages[0].content[0].type: is required"],
  [
    "a numeric block type",
    user([{ type: 1 }]),
    "messages[0].content[0].type: must be a string naming the block type",
  ],
  ["a numeric system", withHi({ system: 5 }), "system: must be a string or an array of text blocks"],
  [
    "a system block without type",
    withHi({ system: [{ type: "text", text: "a" }, { text: "b" }] }),
    "system[1].type: is required",
  ],
  [
    "a system block that is not an object",
    withHi({ system: [5] }),
    "system[0]: must be a content block object",
  ],
  ["tools as an object", withHi({ tools: {} }), "tools: must be an array of tools"],
  ["a tool that is a string", withHi({ tools: ["x"] }), "tools[0]: must be a tool object"],
  ["a tool without name", withHi({ tools: [{}] }), "tools[0].name: is required"],
  ["a tool with an empty name", withHi({ tools: [{ name: "" }] }), "tools[0].name: must not be empty"],
  ["a numeric tool type", withHi({ tools: [{ name: "a", type: 3 }] }), "tools[0].type: must be a string"],
  [
    "a numeric tool description",
    withHi({ tools: [{ name: "a", description: 3 }] }),
    "tools[0].description: must be a string",
  ],
  [
    "defer_loading that is not a boolean",
    withHi({ tools: [{ name: "a", defer_loading: "yes" }] }),
    "tools[0].defer_loading: must be a boolean",
  ],
  [
    "an unknown tool_choice",
    withHi({ tool_choice: { type: "sometimes" } }),
    'tool_choice.type: must be {"type": "auto" | "any" | "none"} or {"type": "tool", "name": …}',
  ],
  [
    "tool_choice as a string",
    withHi({ tool_choice: "auto" }),
    'tool_choice: must be {"type": "auto" | "any" | "none"} or {"type": "tool", "name": …}',
  ],
  ["a tool choice without name", withHi({ tool_choice: { type: "tool" } }), "tool_choice.name: is required"],
  [
    "disable_parallel_tool_use that is not a boolean",
    withHi({ tool_choice: { type: "auto", disable_parallel_tool_use: "yes" } }),
    "tool_choice.disable_parallel_tool_use: must be a boolean",
  ],
  ["thinking as a string", withHi({ thinking: "on" }), "thinking: must be an object"],
  [
    "an unknown thinking type",
    withHi({ thinking: { type: "on" } }),
    'thinking.type: must be "enabled", "adaptive" or "disabled"',
  ],
  [
    "a fractional budget",
    withHi({ thinking: { type: "enabled", budget_tokens: 1.5 } }),
    "thinking.budget_tokens: must be an integer",
  ],
  [
    "a textual budget",
    withHi({ thinking: { type: "enabled", budget_tokens: "1024" } }),
    "thinking.budget_tokens: must be a number",
  ],
  ["output_config as a string", withHi({ output_config: "high" }), "output_config: must be an object"],
  ["a numeric effort", withHi({ output_config: { effort: 3 } }), "output_config.effort: must be a string"],
  ["stream as a string", withHi({ stream: "true" }), "stream: must be a boolean"],
  ["temperature as a string", withHi({ temperature: "hot" }), "temperature: must be a number"],
  ["top_p as a string", withHi({ top_p: "0.5" }), "top_p: must be a number"],
  ["a fractional top_k", withHi({ top_k: 1.5 }), "top_k: must be an integer"],
  [
    "stop_sequences as a string",
    withHi({ stop_sequences: "x" }),
    "stop_sequences: must be an array of strings",
  ],
  ["a numeric stop sequence", withHi({ stop_sequences: [1] }), "stop_sequences[0]: must be a string"],
  ["no max_tokens", { model: "m", messages: HI }, "max_tokens: is required"],
  ["max_tokens of 0", withHi({ max_tokens: 0 }), "max_tokens: must be a positive integer"],
  ["a fractional max_tokens", withHi({ max_tokens: 1.5 }), "max_tokens: must be a positive integer"],
  ["a textual max_tokens", withHi({ max_tokens: "100" }), "max_tokens: must be a positive integer"],
];

describe("the Messages request envelope", () => {
  test.each(REFUSALS)("refuses %s with one line naming the path", (_name, body, message) => {
    expect(translateMessagesRequest(body)).toEqual({ ok: false, error: message });
  });

  test("count_tokens takes a request without max_tokens, and checks the other fields alike", () => {
    expect(translateCountTokensRequest({ model: "m", messages: HI }).ok).toBe(true);
    expect(translateCountTokensRequest({ model: "m", messages: HI, stream: 1 })).toEqual({
      ok: false,
      error: "stream: must be a boolean",
    });
  });

  test("accepts null for every optional field, and ignores fields it does not know", () => {
    const result = translateMessagesRequest({
      ...BASE,
      messages: HI,
      system: null,
      tools: null,
      tool_choice: null,
      thinking: null,
      output_config: null,
      stream: null,
      temperature: null,
      top_p: null,
      top_k: null,
      stop_sequences: null,
      metadata: { user_id: "u" },
      context_management: { edits: [] },
      service_tier: "auto",
      container: null,
      mcp_servers: [],
      some_future_beta: { x: 1 },
    });
    expect(result.ok).toBe(true);
  });

  /** Wrong values in every checked place, each the secret itself. */
  const SECRET_PLACES: Record<string, unknown>[] = [
    { model: 1, system: SECRET },
    { messages: SECRET },
    { messages: [{ role: SECRET, content: "x" }] },
    { messages: [{ role: "user", content: [SECRET] }] },
    { messages: [{ role: "user", content: [{ type: "text", text: SECRET.length, extra: SECRET }] }] },
    { system: [SECRET] },
    { tools: [{ name: "a", defer_loading: SECRET }] },
    { tools: [{ name: "a", type: [SECRET] }] },
    { tool_choice: { type: SECRET } },
    { tool_choice: { type: "tool", name: "a" }, tools: [{ name: SECRET.replaceAll("-", "_") }] },
    { tool_choice: { type: "any", disable_parallel_tool_use: SECRET } },
    { thinking: { type: SECRET } },
    { thinking: { type: "enabled", budget_tokens: SECRET } },
    { thinking: { type: "enabled", display: [SECRET] } },
    { output_config: { effort: [SECRET] } },
    { stream: SECRET },
    { temperature: SECRET },
    { top_k: SECRET },
    { stop_sequences: [SECRET, 1] },
    { max_tokens: SECRET },
  ];

  test.each(SECRET_PLACES)("never quotes a value it refuses: %j", (fields) => {
    const result = translateMessagesRequest({ ...BASE, messages: HI, ...fields });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).not.toContain("SECRET");
    expect(result.error).not.toContain("\n");
    expect(result.error).toMatch(/^[a-z_]+[\w.[\]]*: /);
  });
});
