/**
 * OpenAI function tools (Chat Completions' `{type: "function", function: {…}}` and the Responses
 * API's flat `{type: "function", name, …}`, both read into FunctionTool by their envelopes) →
 * Gemini `functionDeclarations`, each with its JSON Schema cleaned into `parametersJsonSchema`
 * (translation/tool-schema.ts) and its name made to fit (translation/tool-names.ts). `strict` has
 * no Gemini counterpart: the schema is sent either way, and Gemini keeps to it.
 */

import type { ToolNameMap } from "../translation/tool-names.ts";
import { toGeminiJsonSchema } from "../translation/tool-schema.ts";

export interface FunctionTool {
  readonly name: string;
  readonly description?: string | null | undefined;
  readonly parameters?: unknown;
}

export interface Declarations {
  /** The request's Gemini `tools`, or undefined when no function is declared. */
  readonly tools: Record<string, unknown>[] | undefined;
  /** The client names of the declared functions. */
  readonly declared: ReadonlySet<string>;
}

export function declareFunctions(functions: readonly FunctionTool[], names: ToolNameMap): Declarations {
  const declared = new Set<string>();
  const functionDeclarations: Record<string, unknown>[] = [];
  for (const tool of functions) {
    if (declared.has(tool.name)) continue;
    declared.add(tool.name);
    functionDeclarations.push({
      name: names.toGemini(tool.name),
      // Google documents the description as required; the name is the least-wrong stand-in.
      description:
        typeof tool.description === "string" && tool.description !== "" ? tool.description : tool.name,
      parametersJsonSchema: toGeminiJsonSchema(tool.parameters),
    });
  }
  return { tools: functionDeclarations.length === 0 ? undefined : [{ functionDeclarations }], declared };
}
