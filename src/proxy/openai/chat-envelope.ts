/**
 * The outer shape of a Chat Completions request (`POST /v1/chat/completions`), as valibot
 * schemas: the fields grantpool uses, checked once at the edge. Other fields (`user`,
 * `metadata`, `store`, `service_tier`, `logprobs`, `prompt_cache_key`, …) are accepted and
 * ignored, as loose objects. Content parts are only checked to be objects with a `type` here;
 * their members are read, with exact paths, where they are translated. Messages name the path
 * and what was expected, never the value.
 */
import * as v from "valibot";
import type { Result } from "../../result.ts";
import {
  BODY_MESSAGE,
  modelName,
  optionalBoolean,
  optionalNumber,
  optionalPositiveInteger,
  optionalText,
  parseEnvelope,
  text,
} from "../translation/envelope-schema.ts";

const Part = v.looseObject({ type: text("a string naming the part type") }, "must be a content part object");
const Content = v.nullish(
  v.union(
    [v.string(), v.array(Part, "must be a string or an array of content parts")],
    "must be a string or an array of content parts",
  ),
);

const ToolCall = v.looseObject(
  {
    id: text("a string"),
    type: optionalText,
    function: v.looseObject(
      {
        name: v.pipe(text("a string"), v.nonEmpty("must not be empty")),
        arguments: optionalText,
      },
      "must be an object",
    ),
  },
  "must be a tool call object",
);

const Message = v.looseObject(
  {
    role: v.picklist(
      ["system", "developer", "user", "assistant", "tool", "function"],
      'must be "system", "developer", "user", "assistant", "tool" or "function"',
    ),
    content: Content,
    name: optionalText,
    tool_calls: v.nullish(v.array(ToolCall, "must be an array of tool calls")),
    tool_call_id: optionalText,
    function_call: v.nullish(
      v.looseObject({ name: text("a string"), arguments: optionalText }, "must be an object"),
    ),
  },
  "must be a message object",
);

const FunctionDefinition = v.looseObject(
  {
    name: v.pipe(text("a string"), v.nonEmpty("must not be empty")),
    description: optionalText,
    parameters: v.nullish(v.unknown()),
    strict: optionalBoolean,
  },
  "must be a function definition object",
);

const Tool = v.looseObject(
  { type: text("a string naming the tool type"), function: v.nullish(FunctionDefinition) },
  "must be a tool object",
);

const ToolChoice = v.union(
  [
    v.picklist(["none", "auto", "required"]),
    v.looseObject({ type: v.literal("function"), function: v.looseObject({ name: text("a string") }) }),
    v.looseObject({
      type: v.literal("allowed_tools"),
      allowed_tools: v.looseObject({
        mode: v.picklist(["auto", "required"]),
        tools: v.array(v.looseObject({ type: v.string() })),
      }),
    }),
    v.looseObject({ type: v.literal("custom"), custom: v.looseObject({ name: text("a string") }) }),
  ],
  'must be "none", "auto", "required" or {"type": "function", "function": {"name": …}}',
);

const ResponseFormat = v.variant(
  "type",
  [
    v.looseObject({ type: v.literal("text") }),
    v.looseObject({ type: v.literal("json_object") }),
    v.looseObject({
      type: v.literal("json_schema"),
      json_schema: v.looseObject(
        { name: text("a string"), schema: v.nullish(v.unknown()), strict: optionalBoolean },
        "must be an object",
      ),
    }),
  ],
  'must be {"type": "text" | "json_object" | "json_schema"}',
);

const ChatRequest = v.looseObject(
  {
    model: modelName,
    messages: v.pipe(v.array(Message, "must be an array of messages"), v.nonEmpty("must not be empty")),
    tools: v.nullish(v.array(Tool, "must be an array of tools")),
    tool_choice: v.nullish(ToolChoice),
    parallel_tool_calls: optionalBoolean,
    response_format: v.nullish(ResponseFormat),
    reasoning_effort: optionalText,
    stop: v.nullish(v.union([v.string(), v.array(v.string())], "must be a string or an array of strings")),
    n: optionalPositiveInteger,
    max_tokens: optionalPositiveInteger,
    max_completion_tokens: optionalPositiveInteger,
    stream: optionalBoolean,
    stream_options: v.nullish(v.looseObject({ include_usage: optionalBoolean }, "must be an object")),
    temperature: optionalNumber,
    top_p: optionalNumber,
    seed: v.nullish(v.pipe(v.number("must be an integer"), v.integer("must be an integer"))),
    prompt_cache_key: optionalText,
  },
  BODY_MESSAGE,
);

export type ChatEnvelope = v.InferOutput<typeof ChatRequest>;
export type ChatMessage = v.InferOutput<typeof Message>;
export type ChatPart = v.InferOutput<typeof Part>;
export type ChatToolCall = v.InferOutput<typeof ToolCall>;
export type ChatTool = v.InferOutput<typeof Tool>;
export type ChatToolChoice = v.InferOutput<typeof ToolChoice>;
export type ChatResponseFormat = v.InferOutput<typeof ResponseFormat>;

export function parseChatEnvelope(input: unknown): Result<ChatEnvelope, string> {
  return parseEnvelope(ChatRequest, input);
}
