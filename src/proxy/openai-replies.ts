/**
 * How the upstream's plain Gemini replies reach an OpenAI client (the ReplyAdapters the OpenAI
 * routes hand to forwardCall): a chat completion or a response as one JSON document, or as Chat
 * Completions chunks or Responses events translated as Gemini's events arrive (pulled, so back-pressure reaches the upstream
 * body, and cancelled with it), and Google's errors in OpenAI's shape. The translation itself is
 * the pure modules' under openai/; the bytes are moved by the shared translation core.
 */
import type { ReplyAdapter } from "./forward-call.ts";
import { type ChatReplyContext, translateChatReply } from "./openai/chat-reply.ts";
import { type ChatStreamContext, createChatStreamTranslator } from "./openai/chat-stream.ts";
import { openAiErrorFromGoogle, openAiUpstreamError } from "./openai/openai-error.ts";
import type { ResponsesReplyContext } from "./openai/responses-output.ts";
import { translateResponsesReply } from "./openai/responses-reply.ts";
import { createResponsesStreamTranslator } from "./openai/responses-stream.ts";
import type { StreamFailure } from "./translation/gemini-stream-relay.ts";
import { streamedReplies, wholeReplies } from "./translation/reply-adapters.ts";

export interface StreamErrorBody {
  readonly message: string;
  readonly type: string;
  readonly code: string | null;
}

/** A failed stream's error, in OpenAI's shape. */
export function openAiStreamError(failure: StreamFailure): StreamErrorBody {
  switch (failure.kind) {
    case "google_error": {
      const { message, type, code } = openAiErrorFromGoogle(failure.code, failure.text).body.error;
      return { message, type, code };
    }
    case "not_json":
      return {
        message: "the upstream sent a stream event that is not JSON",
        type: "server_error",
        code: null,
      };
    case "broken":
      return {
        message: `the upstream's stream broke off: ${failure.cause}`,
        type: "server_error",
        code: null,
      };
  }
}

/** `stream: false`: one Gemini reply, one `chat.completion`. */
export function chatCompletionReplies(context: ChatReplyContext): ReplyAdapter {
  return wholeReplies("openai", (gemini) => translateChatReply(gemini, context), openAiUpstreamError);
}

/** `stream: true`: Gemini's SSE events become `chat.completion.chunk`s as they arrive. */
export function streamedChatCompletionReplies(context: ChatStreamContext): ReplyAdapter {
  return streamedReplies(() => {
    const chat = createChatStreamTranslator(context);
    return { ...chat, fail: (failure) => chat.error(openAiStreamError(failure)) };
  }, openAiUpstreamError);
}

/** `stream: false`: one Gemini reply, one `response`. */
export function responseReplies(context: ResponsesReplyContext): ReplyAdapter {
  return wholeReplies("openai", (gemini) => translateResponsesReply(gemini, context), openAiUpstreamError);
}

/** `stream: true`: Gemini's SSE events become the Responses API's events as they arrive. */
export function streamedResponseReplies(context: ResponsesReplyContext): ReplyAdapter {
  return streamedReplies(() => {
    const responses = createResponsesStreamTranslator(context);
    return { ...responses, fail: (failure) => responses.fail(openAiStreamError(failure)) };
  }, openAiUpstreamError);
}
