/**
 * The outer shape of a Responses API request (`POST /v1/responses`), as valibot schemas: the
 * fields grantpool uses, checked once at the edge. Other fields (`metadata`, `user`,
 * `service_tier`, `truncation`, `text.verbosity`, `client_metadata`, …) are accepted and ignored,
 * as loose objects. Input items, content parts and tools are only checked to be objects here;
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

const Item = v.looseObject(
  { type: v.nullish(text("a string naming the item type")), role: optionalText },
  "must be an input item object",
);

const Tool = v.looseObject({ type: text("a string naming the tool type") }, "must be a tool object");

const ToolChoice = v.union(
  [v.picklist(["none", "auto", "required"]), v.looseObject({ type: text("a string") })],
  'must be "none", "auto", "required" or a tool choice object',
);

const Format = v.variant(
  "type",
  [
    v.looseObject({ type: v.literal("text") }),
    v.looseObject({ type: v.literal("json_object") }),
    v.looseObject({
      type: v.literal("json_schema"),
      name: optionalText,
      schema: v.nullish(v.unknown()),
    }),
  ],
  'must be {"type": "text" | "json_object" | "json_schema"}',
);

const ResponsesRequest = v.looseObject(
  {
    model: modelName,
    input: v.nullish(
      v.union(
        [v.string(), v.array(Item, "must be a string or an array of input items")],
        "must be a string or an array of input items",
      ),
    ),
    instructions: optionalText,
    tools: v.nullish(v.array(Tool, "must be an array of tools")),
    tool_choice: v.nullish(ToolChoice),
    parallel_tool_calls: optionalBoolean,
    reasoning: v.nullish(
      v.looseObject(
        {
          effort: optionalText,
          summary: optionalText,
          generate_summary: optionalText,
        },
        "must be an object",
      ),
    ),
    include: v.nullish(v.array(text("a string"), "must be an array of strings")),
    text: v.nullish(v.looseObject({ format: v.nullish(Format) }, "must be an object")),
    max_output_tokens: optionalPositiveInteger,
    temperature: optionalNumber,
    top_p: optionalNumber,
    stream: optionalBoolean,
    store: optionalBoolean,
    prompt_cache_key: optionalText,
    previous_response_id: optionalText,
    conversation: v.nullish(v.unknown()),
    metadata: v.nullish(v.unknown()),
  },
  BODY_MESSAGE,
);

export type ResponsesEnvelope = v.InferOutput<typeof ResponsesRequest>;
export type ResponsesItem = v.InferOutput<typeof Item>;
export type ResponsesTool = v.InferOutput<typeof Tool>;
export type ResponsesToolChoice = v.InferOutput<typeof ToolChoice>;
export type ResponsesFormat = v.InferOutput<typeof Format>;

export function parseResponsesEnvelope(input: unknown): Result<ResponsesEnvelope, string> {
  return parseEnvelope(ResponsesRequest, input);
}
