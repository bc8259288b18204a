/**
 * Gemini's streamed chunks → Chat Completions `chat.completion.chunk` events, one Gemini chunk at
 * a time: a first chunk with `role: "assistant"`, a `content` delta per piece of text, each
 * function call as two `tool_calls` deltas (its id, type and name with empty arguments, then the
 * whole arguments — Gemini sends a call whole), a last chunk with `finish_reason`, with
 * `stream_options.include_usage` one more chunk with no choices and the usage (and `usage: null`
 * on every other chunk, as OpenAI sends them), then `data: [DONE]`. A failure is one
 * `data: {"error": …}` event, which OpenAI's SDKs raise as an APIError; nothing follows it.
 * Pure: frames are returned as text for the caller to write.
 */

import { createAssembledStream } from "../translation/assembled-stream.ts";
import { FrameBuffer } from "../translation/frame-buffer.ts";
import type { BlockSink } from "../translation/reply-assembler.ts";
import { assemblerContext, type ChatReplyContext, chatUsage, finishReasonOf } from "./chat-reply.ts";

export interface ChatStreamContext extends ChatReplyContext {
  readonly includeUsage: boolean;
}

export interface ChatStreamTranslator {
  push(chunk: unknown): string;
  end(): string;
  /** An upstream failure mid-stream → an error event, in OpenAI's error shape. */
  error(error: { message: string; type: string; code: string | null }): string;
}

const data = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

export function createChatStreamTranslator(context: ChatStreamContext): ChatStreamTranslator {
  const out = new FrameBuffer();
  let toolCalls = 0;
  const usageField = context.includeUsage ? { usage: null } : {};

  /** One `chat.completion.chunk` frame. */
  const frame = (choices: unknown[], usage: Record<string, unknown>) => {
    out.write(
      data({
        id: context.id,
        object: "chat.completion.chunk",
        created: context.created,
        model: context.clientModel,
        system_fingerprint: null,
        choices,
        ...usage,
      }),
    );
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    frame([{ index: 0, delta, logprobs: null, finish_reason: finish }], usageField);
  const sink: BlockSink = {
    startText: () => {},
    startThinking: () => {},
    text: (_index, text) => chunk({ content: text }),
    thinking: () => {},
    signature: () => {},
    toolUse: (_index, id, name, input) => {
      const index = toolCalls++;
      chunk({ tool_calls: [{ index, id, type: "function", function: { name, arguments: "" } }] });
      chunk({ tool_calls: [{ index, function: { arguments: JSON.stringify(input) } }] });
    },
    stop: () => {},
  };
  const stream = createAssembledStream({
    out,
    sink,
    context: assemblerContext(context),
    open: () => chunk({ role: "assistant", content: "", refusal: null }),
  });

  return {
    push: (raw) => stream.push(raw),
    end: () =>
      stream.end((progress) => {
        chunk({}, finishReasonOf(progress.outcome));
        if (context.includeUsage) frame([], { usage: chatUsage(progress.usageMetadata) });
        out.write("data: [DONE]\n\n");
      }),
    error(error) {
      stream.stop();
      return data({ error: { ...error, param: null } });
    },
  };
}
