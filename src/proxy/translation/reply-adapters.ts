/**
 * The two ReplyAdapters every translated protocol hands forwardCall: a whole reply (read as JSON,
 * translated once) and a stream (translated event by event through the relay), each with the
 * protocol's way of passing an upstream error on.
 */
import type { ReplyAdapter, UpstreamError } from "../forward-call.ts";
import type { Protocol } from "../protocol-errors.ts";
import { readGeminiJson } from "./gemini-reply-json.ts";
import { relayGeminiStream, type StreamTranslator } from "./gemini-stream-relay.ts";

type UpstreamErrorReply = (error: UpstreamError) => Response;

/** A 2xx Gemini reply read whole and answered as the JSON `translate` makes of it. */
export function wholeReplies(
  protocol: Protocol,
  translate: (gemini: unknown) => unknown,
  upstreamError: UpstreamErrorReply,
): ReplyAdapter {
  return {
    async success(reply) {
      const gemini = await readGeminiJson(reply, protocol);
      if (!gemini.ok) return gemini.reply;
      return Response.json(translate(gemini.value));
    },
    upstreamError,
  };
}

/** A 2xx Gemini SSE reply relayed to the client through a translator made for it. */
export function streamedReplies(
  translator: () => StreamTranslator,
  upstreamError: UpstreamErrorReply,
): ReplyAdapter {
  return {
    success: (reply) => relayGeminiStream(reply, translator()),
    upstreamError,
  };
}
