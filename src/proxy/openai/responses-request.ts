/**
 * A Responses API request → the Gemini request that answers it. Pure: no I/O, no clock. The
 * body is checked at the edge (responses-envelope.ts); a problem comes back as one line naming
 * the JSON path, for a 400 `invalid_request_error`, and never quotes a value.
 *
 * - `instructions` and `input` → responses-input.ts; `tools` → responses-tools.ts, declared like
 *   Chat Completions' functions; `tool_choice` → function-choice.ts (a choice of a tool type that
 *   is not served, such as `web_search`, is `auto`).
 * - `reasoning.effort` → thinking (reasoning-effort.ts); `reasoning.summary` (any value but
 *   none) asks Gemini for thought text, which comes back as reasoning summaries.
 * - `max_output_tokens` (clamped), `temperature`, `top_p`, `text.format` (json-output.ts).
 * - `previous_response_id` and `conversation` are refused: grantpool stores no responses, so a
 *   client must send the whole conversation (`store: false`, as Codex does). `store`,
 *   `include`, `prompt_cache_key` (the sticky-session key), `metadata`, `parallel_tool_calls`
 *   and the like are accepted; `reasoning.encrypted_content` is always part of a reasoning item.
 */

import { err, ok, type Result } from "../../result.ts";
import { createToolNameMap } from "../translation/tool-names.ts";
import type { FunctionChoice } from "./function-choice.ts";
import { geminiBodyWithFunctions, generationConfig } from "./gemini-request.ts";
import { jsonOutputOf } from "./json-output.ts";
import {
  parseResponsesEnvelope,
  type ResponsesEnvelope,
  type ResponsesToolChoice,
} from "./responses-envelope.ts";
import { translateResponsesInput } from "./responses-input.ts";
import { type ClientTool, readResponsesTools, toolListsOf } from "./responses-tools.ts";

export interface TranslatedResponses {
  readonly envelope: ResponsesEnvelope;
  readonly stream: boolean;
  /** A Gemini GenerateContentRequest. */
  readonly body: Record<string, unknown>;
  /** Tool names that had to change: Gemini name → qualified client name. */
  readonly toolNames: ReadonlyMap<string, string>;
  /** Qualified name → the client's tool (what a call comes back as). */
  readonly tools: ReadonlyMap<string, ClientTool>;
}

export interface ResponsesTranslateOptions {
  readonly upstreamModelFor?: (clientModel: string) => string;
}

function choiceOf(
  choice: ResponsesToolChoice | null | undefined,
): Result<FunctionChoice | undefined, string> {
  if (choice === undefined || choice === null) return ok(undefined);
  if (typeof choice === "string") return ok({ kind: choice });
  if (choice.type === "function" || choice.type === "custom") {
    if (typeof choice.name !== "string") return err("tool_choice.name: must be a string");
    return ok({ kind: "function", name: choice.name, path: "tool_choice.name" });
  }
  if (choice.type === "allowed_tools") {
    const tools = Array.isArray(choice.tools) ? choice.tools : [];
    const names = tools.flatMap((tool: unknown) =>
      typeof tool === "object" && tool !== null && typeof (tool as { name?: unknown }).name === "string"
        ? [(tool as { name: string }).name]
        : [],
    );
    return ok({ kind: "allowed", required: choice.mode === "required", names });
  }
  return ok({ kind: "auto" });
}

/** Whether the client asked for reasoning summaries. */
export function wantsSummaries(envelope: ResponsesEnvelope): boolean {
  const summary = envelope.reasoning?.summary ?? envelope.reasoning?.generate_summary;
  return typeof summary === "string" && summary !== "none";
}

export function translateResponsesRequest(
  input: unknown,
  options: ResponsesTranslateOptions = {},
): Result<TranslatedResponses, string> {
  const parsed = parseResponsesEnvelope(input);
  if (!parsed.ok) return parsed;
  const envelope = parsed.value;
  if (typeof envelope.previous_response_id === "string") {
    return err(
      "previous_response_id: not supported (grantpool stores no responses); send the whole conversation as input, with store: false",
    );
  }
  if (envelope.conversation !== undefined && envelope.conversation !== null) {
    return err(
      "conversation: not supported (grantpool stores no conversations); send the whole conversation as input",
    );
  }
  const lists = toolListsOf(envelope.tools, envelope.input);
  if (!lists.ok) return lists;
  const tools = readResponsesTools(lists.value);
  if (!tools.ok) return tools;
  const names = createToolNameMap(tools.value.functions.map((tool) => tool.name));
  const conversation = translateResponsesInput(envelope.instructions, envelope.input, names);
  if (!conversation.ok) return conversation;
  const choice = choiceOf(envelope.tool_choice);
  if (!choice.ok) return choice;
  const body = geminiBodyWithFunctions(conversation.value, tools.value.functions, names, choice.value);
  if (!body.ok) return body;
  body.value.generationConfig = generationConfig(
    {
      maxTokens: envelope.max_output_tokens,
      temperature: envelope.temperature,
      topP: envelope.top_p,
      effort: envelope.reasoning?.effort,
      summaries: wantsSummaries(envelope),
      format: jsonOutputOf(envelope.text?.format, (format) => format.schema),
    },
    options.upstreamModelFor?.(envelope.model),
  );
  return ok({
    envelope,
    stream: envelope.stream === true,
    body: body.value,
    toolNames: names.renamed,
    tools: tools.value.byName,
  });
}
