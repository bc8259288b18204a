/**
 * A Chat Completions request → the Gemini request that answers it. Pure: no I/O, no clock. The
 * body is checked at the edge (chat-envelope.ts); a problem comes back as one line naming the
 * JSON path, for a 400 `invalid_request_error`, and never quotes a value.
 *
 * - `tools` of type `function` are declared (function-declarations.ts); other tool types
 *   (`custom` freeform tools) are left out — the model does not see them. `tool_choice` →
 *   function-choice.ts.
 * - `max_completion_tokens` (else `max_tokens`) and `stop` are fitted to Gemini's limits;
 *   `temperature`, `top_p` and `seed` are passed on; `reasoning_effort` → thinking (no thought
 *   text: Chat Completions has no place for it); `response_format` → json-output.ts.
 * - `n` other than 1 is refused: the reply is built from one Gemini candidate.
 * - `presence_penalty`, `frequency_penalty`, `logit_bias`, `logprobs`, `user`, `metadata`,
 *   `store`, `service_tier`, `prompt_cache_key` and the like are accepted and ignored.
 */

import { err, ok, type Result } from "../../result.ts";
import { createToolNameMap } from "../translation/tool-names.ts";
import type { ChatEnvelope, ChatToolChoice } from "./chat-envelope.ts";
import { parseChatEnvelope } from "./chat-envelope.ts";
import { translateChatMessages } from "./chat-messages.ts";
import type { FunctionChoice } from "./function-choice.ts";
import type { FunctionTool } from "./function-declarations.ts";
import { geminiBodyWithFunctions, generationConfig } from "./gemini-request.ts";
import { jsonOutputOf } from "./json-output.ts";

export interface TranslatedChat {
  /** The request's `model`, as sent. */
  readonly clientModel: string;
  readonly stream: boolean;
  /** `stream_options.include_usage`: a last chunk with the usage. */
  readonly includeUsage: boolean;
  /** A Gemini GenerateContentRequest. */
  readonly body: Record<string, unknown>;
  /** Tool names that had to change: Gemini name → client name. */
  readonly toolNames: ReadonlyMap<string, string>;
  /** `prompt_cache_key`, when the client named its conversation. */
  readonly promptCacheKey: string | undefined;
}

export interface ChatTranslateOptions {
  /** The upstream model a client model resolves to, so thinking and limits fit it. */
  readonly upstreamModelFor?: (clientModel: string) => string;
}

function functionTools(envelope: ChatEnvelope): FunctionTool[] {
  const tools: FunctionTool[] = [];
  for (const tool of envelope.tools ?? []) {
    if (tool.type === "function" && tool.function !== undefined && tool.function !== null)
      tools.push(tool.function);
  }
  return tools;
}

function choiceOf(choice: ChatToolChoice | null | undefined): FunctionChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (typeof choice === "string") return { kind: choice };
  switch (choice.type) {
    case "function":
      return { kind: "function", name: choice.function.name, path: "tool_choice.function.name" };
    case "custom":
      return { kind: "function", name: choice.custom.name, path: "tool_choice.custom.name" };
    default: {
      const names = choice.allowed_tools.tools.flatMap((tool) => {
        const inner = tool.function as { name?: unknown } | undefined;
        return typeof inner?.name === "string" ? [inner.name] : [];
      });
      return { kind: "allowed", required: choice.allowed_tools.mode === "required", names };
    }
  }
}

export function translateChatRequest(
  input: unknown,
  options: ChatTranslateOptions = {},
): Result<TranslatedChat, string> {
  const parsed = parseChatEnvelope(input);
  if (!parsed.ok) return parsed;
  const envelope = parsed.value;
  if (envelope.n !== undefined && envelope.n !== null && envelope.n !== 1) {
    return err("n: only 1 is supported (grantpool answers with one choice)");
  }
  const functions = functionTools(envelope);
  const names = createToolNameMap(functions.map((tool) => tool.name));
  const conversation = translateChatMessages(envelope.messages, names);
  if (!conversation.ok) return conversation;
  const body = geminiBodyWithFunctions(conversation.value, functions, names, choiceOf(envelope.tool_choice));
  if (!body.ok) return body;
  const stop = envelope.stop;
  body.value.generationConfig = generationConfig(
    {
      maxTokens: envelope.max_completion_tokens ?? envelope.max_tokens,
      temperature: envelope.temperature,
      topP: envelope.top_p,
      seed: envelope.seed,
      stop: typeof stop === "string" ? [stop] : (stop ?? undefined),
      effort: envelope.reasoning_effort,
      summaries: false,
      format: jsonOutputOf(envelope.response_format, (format) => format.json_schema.schema),
    },
    options.upstreamModelFor?.(envelope.model),
  );
  return ok({
    clientModel: envelope.model,
    stream: envelope.stream === true,
    includeUsage: envelope.stream_options?.include_usage === true,
    body: body.value,
    toolNames: names.renamed,
    promptCacheKey: envelope.prompt_cache_key ?? undefined,
  });
}
