/**
 * Gemini's streamed chunks → Anthropic's SSE events, one chunk at a time:
 * `message_start` (with the usage known so far) and a `ping` before anything else, then
 * `content_block_start` / `content_block_delta` (`text_delta`, `thinking_delta`,
 * `signature_delta`, `input_json_delta`) / `content_block_stop` per block (reply-assembler.ts
 * decides the blocks), and at the end `message_delta` (stop_reason, usage) and `message_stop`.
 * A function call arrives whole from Gemini: its block is started, given its input as one
 * `input_json_delta`, and stopped at once. Every frame has an `event:` line — Claude Code
 * ignores data-only events. Pure: frames are returned as text for the caller to write.
 */

import { createAssembledStream } from "../translation/assembled-stream.ts";
import { FrameBuffer } from "../translation/frame-buffer.ts";
import type { BlockSink } from "../translation/reply-assembler.ts";
import type { ReplyContext } from "./messages-reply.ts";
import { anthropicUsage, stopReasonOf } from "./reply-outcome.ts";

export interface AnthropicStreamTranslator {
  /** One streamed GenerateContentResponse (the parsed JSON of one SSE `data:`) → zero or more frames. */
  push(chunk: unknown): string;
  /** The upstream stream ended: close the open block, then `message_delta` and `message_stop`. */
  end(): string;
  /** An upstream failure mid-stream → an `error` event; nothing else is closed. */
  error(type: string, message: string): string;
}

/**
 * One SSE frame; `members` is the JSON text of the data's members after `type` (",\"index\":0,…").
 * Frames are written as text around JSON.stringify of their values: no object is built per delta.
 */
function frame(type: string, members = ""): string {
  return `event: ${type}\ndata: {"type":"${type}"${members}}\n\n`;
}

const json = JSON.stringify;

function framingSink(write: (text: string) => void): BlockSink {
  const start = (index: number, contentBlock: string) =>
    write(frame("content_block_start", `,"index":${index},"content_block":${contentBlock}`));
  const delta = (index: number, type: string, field: string, value: string) =>
    write(
      frame("content_block_delta", `,"index":${index},"delta":{"type":"${type}","${field}":${json(value)}}`),
    );
  return {
    startText: (index) => start(index, '{"type":"text","text":""}'),
    startThinking: (index) => start(index, '{"type":"thinking","thinking":"","signature":""}'),
    text: (index, text) => delta(index, "text_delta", "text", text),
    thinking: (index, thinking) => delta(index, "thinking_delta", "thinking", thinking),
    signature: (index, signature) => delta(index, "signature_delta", "signature", signature),
    toolUse: (index, id, name, input) => {
      start(index, `{"type":"tool_use","id":${json(id)},"name":${json(name)},"input":{}}`);
      delta(index, "input_json_delta", "partial_json", json(input));
    },
    stop: (index) => write(frame("content_block_stop", `,"index":${index}`)),
  };
}

export function createAnthropicStreamTranslator(context: ReplyContext): AnthropicStreamTranslator {
  const out = new FrameBuffer();
  const stream = createAssembledStream({
    out,
    sink: framingSink((text) => out.write(text)),
    context,
    open: (progress) => {
      const message = {
        id: context.messageId,
        type: "message",
        role: "assistant",
        model: context.clientModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...anthropicUsage(progress.usageMetadata), output_tokens: 0 },
      };
      out.write(frame("message_start", `,"message":${json(message)}`));
      out.write(frame("ping"));
    },
  });

  return {
    push: (raw) => stream.push(raw),
    end: () =>
      stream.end((progress) => {
        const stopReason = stopReasonOf(progress.outcome);
        const usage = json(anthropicUsage(progress.usageMetadata));
        out.write(
          frame(
            "message_delta",
            `,"delta":{"stop_reason":"${stopReason}","stop_sequence":null},"usage":${usage}`,
          ),
        );
        out.write(frame("message_stop"));
      }),
    error(type, message) {
      return frame("error", `,"error":${json({ type, message })}`);
    },
  };
}
