/**
 * The Gemini request both OpenAI APIs build once their envelopes are read: the conversation with
 * its function declarations and tool config, and the generation config from their sampling
 * fields. Chat Completions and the Responses API name these fields differently; each hands them
 * in under one name here.
 */
import { ok, type Result } from "../../result.ts";
import { type GeminiRequestParts, geminiRequestBody } from "../translation/gemini-request-body.ts";
import { maxOutputTokensFor, stopSequencesFor } from "../translation/output-limits.ts";
import { geminiFamilyOf } from "../translation/thinking-config.ts";
import type { ToolNameMap } from "../translation/tool-names.ts";
import { type FunctionChoice, functionCallingConfig } from "./function-choice.ts";
import { declareFunctions, type FunctionTool } from "./function-declarations.ts";
import { type JsonOutput, jsonOutputConfig } from "./json-output.ts";
import { thinkingForEffort } from "./reasoning-effort.ts";

/** The request's Gemini body: the conversation, its functions declared, `choice` as tool config. */
export function geminiBodyWithFunctions(
  conversation: Pick<GeminiRequestParts, "contents" | "systemParts">,
  functions: readonly FunctionTool[],
  names: ToolNameMap,
  choice: FunctionChoice | undefined,
): Result<Record<string, unknown>, string> {
  const declarations = declareFunctions(functions, names);
  const toolConfig = functionCallingConfig(choice, declarations.declared, names);
  if (!toolConfig.ok) return toolConfig;
  return ok(geminiRequestBody({ ...conversation, tools: declarations.tools, toolConfig: toolConfig.value }));
}

/** What an OpenAI client asks of the generation, whichever API's names it used. */
export interface OpenAiGeneration {
  readonly maxTokens: number | null | undefined;
  readonly temperature: unknown;
  readonly topP: unknown;
  readonly seed?: unknown;
  readonly stop?: readonly string[] | undefined;
  readonly effort: string | null | undefined;
  /** Whether the client asked for reasoning summaries (the Responses API only). */
  readonly summaries: boolean;
  readonly format: JsonOutput | undefined;
}

export function generationConfig(
  generation: OpenAiGeneration,
  upstreamModel: string | undefined,
): Record<string, unknown> {
  const family = geminiFamilyOf(upstreamModel);
  const config: Record<string, unknown> = {};
  if (typeof generation.maxTokens === "number")
    config.maxOutputTokens = maxOutputTokensFor(generation.maxTokens, family);
  if (typeof generation.temperature === "number") config.temperature = generation.temperature;
  if (typeof generation.topP === "number") config.topP = generation.topP;
  if (typeof generation.seed === "number") config.seed = generation.seed;
  const stops = stopSequencesFor(generation.stop);
  if (stops !== undefined) config.stopSequences = stops;
  const thinking = thinkingForEffort(generation.effort, family, generation.summaries);
  if (thinking !== undefined) config.thinkingConfig = thinking;
  return { ...config, ...jsonOutputConfig(generation.format) };
}
