/**
 * A whole Gemini reply → a Chat Completions `chat.completion`. Pure and total: any input gives a
 * well-formed completion (an empty one at worst), since the upstream already answered 2xx. The
 * parts become blocks through the shared assembler (translation/reply-assembler.ts): text is the
 * message's `content`, function calls its `tool_calls` (ids `call_…`, arguments as JSON text),
 * thoughts and signatures are dropped (Chat Completions has no place for them). A JSON array of
 * chunks (Gemini's streamed form without `alt=sse`) is read as one reply.
 */

import { type BlockSink, createReplyAssembler } from "../translation/reply-assembler.ts";
import { endingOf, type Outcome, tokenCountsOf } from "../translation/reply-ending.ts";
import { readWholeReply } from "../translation/reply-progress.ts";

export interface ChatReplyContext {
  /** The request's `model`, as the client sent it. */
  readonly clientModel: string;
  /** `chatcmpl-…`, made by the caller; tool call ids are derived from it. */
  readonly id: string;
  /** Unix seconds. */
  readonly created: number;
  /** TranslatedChat.toolNames: Gemini name → client name for renamed tools. */
  readonly toolNames?: ReadonlyMap<string, string> | undefined;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

const FINISH: Record<ReturnType<typeof endingOf>, FinishReason> = {
  stop: "stop",
  max_tokens: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

export function finishReasonOf(outcome: Outcome): FinishReason {
  return FINISH[endingOf(outcome)];
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/** OpenAI counts the cached prompt inside `prompt_tokens` and reasoning inside `completion_tokens`. */
export function chatUsage(usageMetadata: unknown): ChatUsage {
  const counts = tokenCountsOf(usageMetadata);
  const completion = counts.candidates + counts.thoughts;
  return {
    prompt_tokens: counts.prompt,
    completion_tokens: completion,
    total_tokens: counts.prompt + completion,
    prompt_tokens_details: { cached_tokens: counts.cached },
    completion_tokens_details: { reasoning_tokens: counts.thoughts },
  };
}

/** The assembler's context for a completion: tool call ids `call_<id>_<n>`. */
export function assemblerContext(context: ChatReplyContext) {
  return {
    messageId: context.id.replace(/^chatcmpl-/, ""),
    toolIdPrefix: "call_",
    toolNames: context.toolNames,
  };
}

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export function translateChatReply(gemini: unknown, context: ChatReplyContext): Record<string, unknown> {
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  const sink: BlockSink = {
    startText: () => {},
    startThinking: () => {},
    text: (_index, text) => texts.push(text),
    thinking: () => {},
    signature: () => {},
    toolUse: (_index, id, name, input) =>
      toolCalls.push({ id, type: "function", function: { name, arguments: JSON.stringify(input) } }),
    stop: () => {},
  };
  const reply = readWholeReply(gemini, createReplyAssembler(sink, assemblerContext(context)));
  const text = texts.join("");
  const message: Record<string, unknown> = {
    role: "assistant",
    content: text === "" && toolCalls.length > 0 ? null : text,
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: context.id,
    object: "chat.completion",
    created: context.created,
    model: context.clientModel,
    choices: [
      {
        index: 0,
        message,
        finish_reason: finishReasonOf(reply.outcome),
        logprobs: null,
      },
    ],
    usage: chatUsage(reply.usageMetadata),
    system_fingerprint: null,
  };
}
