/**
 * How the upstream's plain Gemini replies reach an Anthropic client (the ReplyAdapters the
 * Anthropic routes hand to forwardCall): a message as one JSON document, a message as Anthropic's
 * SSE events translated event by event as Gemini's arrive (pulled, so back-pressure reaches the
 * upstream body, and cancelled with it), a token count, and Google's errors in Anthropic's shape.
 * The translation itself is the pure modules' under anthropic/; this module only moves bytes.
 */
import { anthropicErrorFromGoogle } from "./anthropic/anthropic-error.ts";
import {
  type ReplyContext,
  translateCountTokensReply,
  translateGenerateContentReply,
} from "./anthropic/messages-reply.ts";
import {
  type AnthropicStreamTranslator,
  createAnthropicStreamTranslator,
} from "./anthropic/messages-stream.ts";
import type { ReplyAdapter, UpstreamError } from "./forward-call.ts";
import { errorReply } from "./protocol-errors.ts";
import { describeCause } from "./upstream/describe-cause.ts";
import { dataOf, transformSseEvents } from "./upstream/sse-events.ts";

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

/** Google's error in Anthropic's shape; a wait the upstream asked for travels as `retry-after`. */
export function anthropicUpstreamError(error: UpstreamError): Response {
  const mapped = anthropicErrorFromGoogle(error.status, error.body);
  const headers = new Headers();
  const waitMs = error.retryAfterMs;
  const retryAfter =
    error.headers.get("retry-after") ??
    (waitMs === undefined ? null : String(Math.max(1, Math.ceil(waitMs / 1000))));
  if (retryAfter !== null) headers.set("retry-after", retryAfter);
  return Response.json(mapped.body, { status: mapped.status, headers });
}

/** A 2xx reply whose body broke off before it was whole: the account answered, the network did not. */
function brokenReply(cause: unknown): Response {
  return errorReply("anthropic", {
    kind: "upstream_unreachable",
    message: `the upstream's reply broke off: ${describeCause(cause)}`,
  });
}

async function jsonOf(
  reply: Response,
): Promise<{ ok: true; value: unknown } | { ok: false; reply: Response }> {
  let text: string;
  try {
    text = await reply.text();
  } catch (cause) {
    return { ok: false, reply: brokenReply(cause) };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return {
      ok: false,
      reply: errorReply("anthropic", {
        kind: "upstream_unreachable",
        message: "the upstream's reply is not JSON",
      }),
    };
  }
}

/** `stream: false`: one Gemini reply, one Anthropic message. */
export function messageReplies(context: ReplyContext): ReplyAdapter {
  return {
    async success(reply) {
      const gemini = await jsonOf(reply);
      if (!gemini.ok) return gemini.reply;
      return Response.json(translateGenerateContentReply(gemini.value, context));
    },
    upstreamError: anthropicUpstreamError,
  };
}

export function countTokensReplies(): ReplyAdapter {
  return {
    async success(reply) {
      const gemini = await jsonOf(reply);
      if (!gemini.ok) return gemini.reply;
      return Response.json(translateCountTokensReply(gemini.value));
    },
    upstreamError: anthropicUpstreamError,
  };
}

/** Google's `{"error": {code, …}}` sent as a stream event, if this event is one. */
function googleErrorCode(chunk: unknown): number | undefined {
  if (chunk === null || typeof chunk !== "object" || !("error" in chunk)) return undefined;
  const error = (chunk as { error: unknown }).error;
  if (error === null || typeof error !== "object") return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" ? code : 500;
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/**
 * Gemini SSE in, Anthropic SSE out, one event at a time. After an error event nothing more: the
 * client's stream ends there at once, and the upstream is no longer read.
 */
function translateEvents(translator: AnthropicStreamTranslator, state: { finished: boolean }) {
  return transformSseEvents({
    event(lines, enqueue, stop) {
      if (state.finished) return;
      const data = lines.flatMap((line) => dataOf(line) ?? []);
      if (data.length === 0) return; // comments and keep-alives
      const text = data.join("\n");
      const chunk = parseJson(text);
      const code = chunk === undefined ? undefined : googleErrorCode(chunk.value);
      if (chunk === undefined || code !== undefined) {
        state.finished = true;
        const error =
          chunk === undefined
            ? { type: "api_error", message: "the upstream sent a stream event that is not JSON" }
            : anthropicErrorFromGoogle(code ?? 500, text).body.error;
        enqueue(translator.error(error.type, error.message));
        stop();
        return;
      }
      const out = translator.push(chunk.value);
      if (out !== "") enqueue(out);
    },
    end(enqueue) {
      if (state.finished) return;
      state.finished = true;
      enqueue(translator.end());
    },
  });
}

/** `stream: true`: Gemini's `streamGenerateContent?alt=sse` events become Anthropic's. */
export function streamedMessageReplies(context: ReplyContext): ReplyAdapter {
  return {
    success(reply) {
      const translator = createAnthropicStreamTranslator(context);
      const state = { finished: false };
      const source = reply.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      const reader = source.pipeThrough(translateEvents(translator, state)).getReader();
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const next = await reader.read();
            if (next.done) controller.close();
            else controller.enqueue(next.value);
          } catch (cause) {
            // The upstream broke off after the first byte: nothing is retried (SPEC §5.4); the
            // client learns it from an error event rather than from a stream that just stops.
            if (!state.finished) {
              state.finished = true;
              const message = `the upstream's stream broke off: ${describeCause(cause)}`;
              controller.enqueue(encoder.encode(translator.error("api_error", message)));
            }
            controller.close();
          }
        },
        cancel(reason) {
          return reader.cancel(reason);
        },
      });
      return new Response(body, { status: 200, headers: SSE_HEADERS });
    },
    upstreamError: anthropicUpstreamError,
  };
}
