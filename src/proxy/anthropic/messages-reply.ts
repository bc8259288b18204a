/**
 * A whole Gemini reply → an Anthropic Message object, and a countTokens reply → Anthropic's
 * count. Pure and total: any input gives a well-formed message (an empty one at worst), since
 * the upstream already answered 2xx and the caller has nothing better to send. A JSON array of
 * chunks (Gemini's streamed form without `alt=sse`) is read as one reply.
 */

import { isRecord } from "../translation/is-record.ts";
import { type BlockSink, createReplyAssembler } from "../translation/reply-assembler.ts";
import { readWholeReply } from "../translation/reply-progress.ts";
import { anthropicUsage, stopReasonOf } from "./reply-outcome.ts";

export interface ReplyContext {
  /** The request's `model`, as the client sent it. */
  readonly clientModel: string;
  /** `msg_…`, made by the caller; tool_use ids are derived from it. */
  readonly messageId: string;
  /** TranslatedRequest.toolNames: Gemini name → client name for renamed tools. */
  readonly toolNames?: ReadonlyMap<string, string> | undefined;
}

type Block = Record<string, unknown> & { type: string };

function collectingSink(blocks: Block[]): BlockSink {
  const at = (index: number) => blocks[index] as Block;
  return {
    startText: () => blocks.push({ type: "text", text: "" }),
    startThinking: () => blocks.push({ type: "thinking", thinking: "", signature: "" }),
    text: (index, text) => {
      at(index).text += text;
    },
    thinking: (index, text) => {
      at(index).thinking += text;
    },
    signature: (index, signature) => {
      at(index).signature = signature;
    },
    toolUse: (_index, id, name, input) => blocks.push({ type: "tool_use", id, name, input }),
    stop: () => {},
  };
}

export function translateGenerateContentReply(
  gemini: unknown,
  context: ReplyContext,
): Record<string, unknown> {
  const content: Block[] = [];
  const reply = readWholeReply(gemini, createReplyAssembler(collectingSink(content), context));
  return {
    id: context.messageId,
    type: "message",
    role: "assistant",
    model: context.clientModel,
    content,
    stop_reason: stopReasonOf(reply.outcome),
    stop_sequence: null,
    usage: anthropicUsage(reply.usageMetadata),
  };
}

/** Gemini's `{totalTokens}` → `{input_tokens}`; 0 when the reply has no count. */
export function translateCountTokensReply(gemini: unknown): { input_tokens: number } {
  const total = isRecord(gemini) ? gemini.totalTokens : undefined;
  return {
    input_tokens: typeof total === "number" && Number.isFinite(total) && total > 0 ? Math.floor(total) : 0,
  };
}
