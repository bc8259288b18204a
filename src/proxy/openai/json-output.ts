/**
 * Structured output (Chat Completions' `response_format`, the Responses API's `text.format`,
 * both read into JsonOutput) → Gemini's `responseMimeType` and `responseJsonSchema`: `json_object`
 * asks for JSON, `json_schema` for JSON that fits the schema, cleaned like a tool's schema
 * (translation/tool-schema.ts) so that no schema feature makes Gemini refuse the call. `text`
 * asks for nothing.
 */
import { toGeminiJsonSchema } from "../translation/tool-schema.ts";

export type JsonOutput =
  | { readonly type: "text" }
  | { readonly type: "json_object" }
  | { readonly type: "json_schema"; readonly schema: unknown };

type FormatType = JsonOutput["type"];

/** A request's format (either API's) as JsonOutput; `schemaOf` reads where its API keeps a json_schema's schema. */
export function jsonOutputOf<F extends { readonly type: FormatType }>(
  format: F | null | undefined,
  schemaOf: (format: Extract<F, { readonly type: "json_schema" }>) => unknown,
): JsonOutput | undefined {
  if (format === undefined || format === null) return undefined;
  if (format.type === "json_schema") {
    return { type: "json_schema", schema: schemaOf(format as Extract<F, { readonly type: "json_schema" }>) };
  }
  return { type: format.type === "text" ? "text" : "json_object" };
}

export function jsonOutputConfig(format: JsonOutput | undefined): Record<string, unknown> {
  if (format === undefined || format.type === "text") return {};
  if (format.type === "json_object") return { responseMimeType: "application/json" };
  return { responseMimeType: "application/json", responseJsonSchema: toGeminiJsonSchema(format.schema) };
}
