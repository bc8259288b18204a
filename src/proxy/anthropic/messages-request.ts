/**
 * An Anthropic Messages request (`POST /v1/messages`, `/v1/messages/count_tokens`) → the Gemini
 * request that answers it. Pure: no I/O, no clock. The client's body is checked at the edge
 * (messages-envelope.ts); a problem comes back as one line naming the JSON path, for a 400
 * `invalid_request_error`, and never quotes a value.
 *
 * Fields without a Gemini counterpart — `metadata`, `context_management`, `cache_control`,
 * `output_config` except `effort`, `service_tier`, `safeguards`, `container`, `mcp_servers` and
 * any future beta field — are accepted and ignored.
 */

import { ok, type Result } from "../../result.ts";
import { geminiRequestBody } from "../translation/gemini-request-body.ts";
import { geminiFamilyOf } from "../translation/thinking-config.ts";
import { createToolNameMap } from "../translation/tool-names.ts";
import { translateConversation } from "./conversation.ts";
import { generationConfigFor } from "./generation-config.ts";
import { type MessagesEnvelope, parseMessagesEnvelope } from "./messages-envelope.ts";
import { translateToolChoice } from "./tool-choice.ts";
import { isFunctionTool, translateTools } from "./tool-declarations.ts";
import { createTranslationState } from "./translation-state.ts";

export interface TranslatedRequest {
  /** The request's `model`, as sent. */
  readonly clientModel: string;
  /** The request's `stream` (default false). */
  readonly stream: boolean;
  /** A Gemini GenerateContentRequest. */
  readonly body: Record<string, unknown>;
  /**
   * Tool names that had to change to fit Gemini's rules: Gemini name → client name. Pass it on
   * as `ReplyContext.toolNames` so replies use the client's names. Empty for most requests.
   */
  readonly toolNames: ReadonlyMap<string, string>;
}

export interface TranslateOptions {
  /**
   * The upstream model a client model name resolves to (the model map). With it, thinking
   * budgets and output limits fit that model exactly; without it, values every current Gemini
   * model accepts are used.
   */
  readonly upstreamModelFor?: (clientModel: string) => string;
}

interface Translated {
  readonly envelope: MessagesEnvelope;
  readonly body: Record<string, unknown>;
  readonly toolNames: ReadonlyMap<string, string>;
}

function translate(
  input: unknown,
  kind: "messages" | "count_tokens",
  options: TranslateOptions,
): Result<Translated, string> {
  const parsed = parseMessagesEnvelope(input, kind);
  if (!parsed.ok) return parsed;
  const envelope = parsed.value;
  const functionTools = envelope.tools?.filter(isFunctionTool) ?? [];
  const names = createToolNameMap(functionTools.map((tool) => tool.name));
  const state = createTranslationState(names);
  const conversation = translateConversation(envelope.system, envelope.messages, state);
  if (!conversation.ok) return conversation;
  const declarations = translateTools(envelope.tools, state);
  const toolConfig = translateToolChoice(envelope.tool_choice, declarations.declared, names);
  if (!toolConfig.ok) return toolConfig;
  const body = geminiRequestBody({
    ...conversation.value,
    tools: declarations.tools,
    toolConfig: toolConfig.value,
  });
  if (kind === "messages") {
    const family = geminiFamilyOf(options.upstreamModelFor?.(envelope.model));
    body.generationConfig = generationConfigFor(envelope, family);
  }
  return ok({ envelope, body, toolNames: names.renamed });
}

/** A Messages request → a Gemini `generateContent` / `streamGenerateContent` request. */
export function translateMessagesRequest(
  input: unknown,
  options: TranslateOptions = {},
): Result<TranslatedRequest, string> {
  const translated = translate(input, "messages", options);
  if (!translated.ok) return translated;
  const { envelope, body, toolNames } = translated.value;
  return ok({ clientModel: envelope.model, stream: envelope.stream === true, body, toolNames });
}

/**
 * A count_tokens request → a Gemini `countTokens` request of the form `{contents}`. It is the
 * one form both upstream profiles take (Cloud Code's countTokens has no `generateContentRequest`,
 * and the Gemini API wants a model name inside one), so the system instruction and the tool
 * declarations are counted as text turns in front of the conversation: Gemini tokenizes the
 * declarations as JSON-like text too, so the count stays close, and the difference between two
 * counts (how Claude Code's /context measures a tool) is what it should be.
 */
export function translateCountTokensRequest(
  input: unknown,
): Result<{ clientModel: string; body: Record<string, unknown> }, string> {
  const translated = translate(input, "count_tokens", {});
  if (!translated.ok) return translated;
  const { envelope, body } = translated.value;
  const preamble: Record<string, unknown>[] = [];
  const system = body.systemInstruction as { parts: Record<string, unknown>[] } | undefined;
  if (system !== undefined) preamble.push(...system.parts);
  if (body.tools !== undefined) preamble.push({ text: JSON.stringify(body.tools) });
  const contents = body.contents as unknown[];
  if (preamble.length === 0) return ok({ clientModel: envelope.model, body: { contents } });
  return ok({
    clientModel: envelope.model,
    body: { contents: [{ role: "user", parts: preamble }, ...contents] },
  });
}
