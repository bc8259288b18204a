/**
 * `tools` → Gemini `functionDeclarations`, each with its schema cleaned into
 * `parametersJsonSchema` (tool-schema.ts) and its name made to fit (tool-names.ts).
 *
 * - Server tools (any `type` but `custom`: `web_search_…`, `code_execution_…`, `bash_…`, …) are
 *   left out: grantpool serves function tools only, and Gemini's own tools cannot be combined
 *   with function declarations on every model. The model simply does not see them.
 * - A tool with `defer_loading: true` is declared only once a `tool_reference` block in the
 *   conversation has loaded it — Anthropic's tool search semantics (Claude Code always sends a
 *   deferred `DeferredToolPlaceholder` that must never be called).
 */

import { toGeminiJsonSchema } from "../translation/tool-schema.ts";
import type { EnvelopeTool } from "./messages-envelope.ts";
import type { TranslationState } from "./translation-state.ts";

export interface Declarations {
  /** The request's `tools`, or undefined when no tool is declared. */
  readonly tools: Record<string, unknown>[] | undefined;
  /** The client names of the declared tools. */
  readonly declared: ReadonlySet<string>;
}

/** Whether a tool runs on the client (a function), as opposed to one of Anthropic's server tools. */
export function isFunctionTool(tool: EnvelopeTool): boolean {
  return tool.type === undefined || tool.type === null || tool.type === "custom";
}

export function translateTools(
  tools: readonly EnvelopeTool[] | null | undefined,
  state: TranslationState,
): Declarations {
  const declared = new Set<string>();
  if (tools === undefined || tools === null) return { tools: undefined, declared };
  const functionDeclarations: Record<string, unknown>[] = [];
  for (const tool of tools) {
    if (!isFunctionTool(tool) || declared.has(tool.name)) continue;
    if (tool.defer_loading === true && !state.referencedTools.has(tool.name)) continue;
    declared.add(tool.name);
    functionDeclarations.push({
      name: state.names.toGemini(tool.name),
      // Google documents the description as required; the name is the least-wrong stand-in.
      description:
        typeof tool.description === "string" && tool.description !== "" ? tool.description : tool.name,
      parametersJsonSchema: toGeminiJsonSchema(tool.input_schema),
    });
  }
  const declaredTools = functionDeclarations.length === 0 ? undefined : [{ functionDeclarations }];
  return { tools: declaredTools, declared };
}
