/**
 * The outer shape of an Anthropic Messages request (`POST /v1/messages` and `/count_tokens`), as
 * valibot schemas: the fields grantpool uses, checked once at the edge; any other field
 * (`metadata`, `context_management`, `cache_control`, `safeguards`, betas not yet invented) is
 * accepted and ignored, as loose objects. Content blocks are only checked to be objects with a
 * `type` here; their members are read, with exact paths, where they are translated. Messages
 * name the path and what was expected, never the value (it may be a secret).
 */
import * as v from "valibot";
import type { Result } from "../../result.ts";
import {
  BODY_MESSAGE,
  modelName,
  optionalBoolean,
  optionalNumber,
  optionalText,
  parseEnvelope,
  positiveInteger,
  text,
} from "../translation/envelope-schema.ts";

const Block = v.looseObject(
  { type: text("a string naming the block type") },
  "must be a content block object",
);
const Content = v.union(
  [v.string(), v.array(Block, "must be a string or an array of content blocks")],
  "must be a string or an array of content blocks",
);

const Message = v.looseObject(
  {
    role: v.picklist(["user", "assistant", "system"], 'must be "user", "assistant" or "system"'),
    content: Content,
  },
  "must be a message object",
);

const Tool = v.looseObject(
  {
    name: v.pipe(text("a string"), v.nonEmpty("must not be empty")),
    type: optionalText,
    description: optionalText,
    input_schema: v.nullish(v.unknown()),
    defer_loading: optionalBoolean,
  },
  "must be a tool object",
);

const ToolChoice = v.variant(
  "type",
  [
    v.looseObject({ type: v.literal("auto"), disable_parallel_tool_use: optionalBoolean }),
    v.looseObject({ type: v.literal("any"), disable_parallel_tool_use: optionalBoolean }),
    v.looseObject({ type: v.literal("none") }),
    v.looseObject({
      type: v.literal("tool"),
      name: text("a string naming one of the tools"),
      disable_parallel_tool_use: optionalBoolean,
    }),
  ],
  'must be {"type": "auto" | "any" | "none"} or {"type": "tool", "name": …}',
);

const Thinking = v.looseObject(
  {
    type: v.picklist(["enabled", "adaptive", "disabled"], 'must be "enabled", "adaptive" or "disabled"'),
    budget_tokens: v.nullish(v.pipe(v.number("must be a number"), v.integer("must be an integer"))),
    display: optionalText,
  },
  "must be an object",
);

const fields = {
  model: modelName,
  messages: v.array(Message, "must be an array of messages"),
  system: v.nullish(v.union([v.string(), v.array(Block)], "must be a string or an array of text blocks")),
  tools: v.nullish(v.array(Tool, "must be an array of tools")),
  tool_choice: v.nullish(ToolChoice),
  thinking: v.nullish(Thinking),
  output_config: v.nullish(v.looseObject({ effort: optionalText }, "must be an object")),
  stream: optionalBoolean,
  temperature: optionalNumber,
  top_p: optionalNumber,
  top_k: v.nullish(v.pipe(v.number("must be a number"), v.integer("must be an integer"))),
  stop_sequences: v.nullish(v.array(text("a string"), "must be an array of strings")),
};

const MessagesRequest = v.looseObject(
  {
    ...fields,
    max_tokens: positiveInteger,
  },
  BODY_MESSAGE,
);

const CountTokensRequest = v.looseObject(fields, BODY_MESSAGE);

export type MessagesEnvelope = v.InferOutput<typeof CountTokensRequest> & { readonly max_tokens?: number };
export type EnvelopeMessage = v.InferOutput<typeof Message>;
export type EnvelopeBlock = v.InferOutput<typeof Block>;
export type EnvelopeTool = v.InferOutput<typeof Tool>;
export type EnvelopeToolChoice = v.InferOutput<typeof ToolChoice>;
export type EnvelopeThinking = v.InferOutput<typeof Thinking>;

/** The checked outer shape of a Messages request; only `"messages"` requires `max_tokens`. */
export function parseMessagesEnvelope(
  input: unknown,
  kind: "messages" | "count_tokens",
): Result<MessagesEnvelope, string> {
  return parseEnvelope(kind === "messages" ? MessagesRequest : CountTokensRequest, input);
}
