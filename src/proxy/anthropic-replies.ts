/**
 * How the upstream's plain Gemini replies reach an Anthropic client (the ReplyAdapters the
 * Anthropic routes hand to forwardCall): a message as one JSON document, a message as Anthropic's
 * SSE events translated event by event as Gemini's arrive (pulled, so back-pressure reaches the
 * upstream body, and cancelled with it), a token count, and Google's errors in Anthropic's shape.
 * The translation itself is the pure modules' under anthropic/; the bytes are moved by the
 * shared translation core (translation/reply-adapters.ts).
 */
import { anthropicErrorFromGoogle } from "./anthropic/anthropic-error.ts";
import {
  type ReplyContext,
  translateCountTokensReply,
  translateGenerateContentReply,
} from "./anthropic/messages-reply.ts";
import { createAnthropicStreamTranslator } from "./anthropic/messages-stream.ts";
import type { ReplyAdapter, UpstreamError } from "./forward-call.ts";
import type { StreamFailure } from "./translation/gemini-stream-relay.ts";
import { streamedReplies, wholeReplies } from "./translation/reply-adapters.ts";
import { retryAfterHeaders } from "./translation/retry-after.ts";

/** Google's error in Anthropic's shape; a wait the upstream asked for travels as `retry-after`. */
export function anthropicUpstreamError(error: UpstreamError): Response {
  const mapped = anthropicErrorFromGoogle(error.status, error.body);
  return Response.json(mapped.body, { status: mapped.status, headers: retryAfterHeaders(error) });
}

/** `stream: false`: one Gemini reply, one Anthropic message. */
export function messageReplies(context: ReplyContext): ReplyAdapter {
  return wholeReplies(
    "anthropic",
    (gemini) => translateGenerateContentReply(gemini, context),
    anthropicUpstreamError,
  );
}

export function countTokensReplies(): ReplyAdapter {
  return wholeReplies("anthropic", translateCountTokensReply, anthropicUpstreamError);
}

/** A failed stream's Anthropic `error` event: its type and message. */
function streamError(failure: StreamFailure): [type: string, message: string] {
  switch (failure.kind) {
    case "google_error": {
      const { type, message } = anthropicErrorFromGoogle(failure.code, failure.text).body.error;
      return [type, message];
    }
    case "not_json":
      return ["api_error", "the upstream sent a stream event that is not JSON"];
    case "broken":
      return ["api_error", `the upstream's stream broke off: ${failure.cause}`];
  }
}

/** `stream: true`: Gemini's `streamGenerateContent?alt=sse` events become Anthropic's, as they arrive. */
export function streamedMessageReplies(context: ReplyContext): ReplyAdapter {
  return streamedReplies(() => {
    const anthropic = createAnthropicStreamTranslator(context);
    return { ...anthropic, fail: (failure) => anthropic.error(...streamError(failure)) };
  }, anthropicUpstreamError);
}
