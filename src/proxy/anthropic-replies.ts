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
import { createSseEventSplitter, dataOf } from "./upstream/sse-events.ts";

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

/** One Gemini event's frames; `failed` when it was an error, after which nothing may follow. */
function translateEvent(
  translator: AnthropicStreamTranslator,
  lines: readonly string[],
): { frames: string; failed: boolean } {
  let text: string | undefined;
  for (const line of lines) {
    const data = dataOf(line);
    if (data !== undefined) text = text === undefined ? data : `${text}\n${data}`;
  }
  if (text === undefined) return { frames: "", failed: false }; // comments and keep-alives
  const chunk = parseJson(text);
  const code = chunk === undefined ? undefined : googleErrorCode(chunk.value);
  if (chunk === undefined || code !== undefined) {
    const error =
      chunk === undefined
        ? { type: "api_error", message: "the upstream sent a stream event that is not JSON" }
        : anthropicErrorFromGoogle(code ?? 500, text).body.error;
    return { frames: translator.error(error.type, error.message), failed: true };
  }
  return { frames: translator.push(chunk.value), failed: false };
}

/**
 * `stream: true`: Gemini's `streamGenerateContent?alt=sse` events become Anthropic's. The client's
 * stream pulls the upstream body read by read, with no stream stage in between, and sends what
 * each read completes as one chunk: back-pressure reaches the upstream, and a client that goes
 * away cancels it. After an error event nothing more: the client's stream ends there at once,
 * and the upstream is no longer read.
 */
export function streamedMessageReplies(context: ReplyContext): ReplyAdapter {
  return {
    success(reply) {
      const translator = createAnthropicStreamTranslator(context);
      const reader = reply.body?.getReader();
      const decoder = new TextDecoder();
      const encoder = new TextEncoder();
      let frames = "";
      let finished = false;
      const splitter = createSseEventSplitter((lines) => {
        if (finished) return;
        const event = translateEvent(translator, lines);
        frames += event.frames;
        finished = event.failed;
      });
      /** The upstream's next bytes; undefined once it ended, or broke off (then with an error event). */
      const read = async (): Promise<Uint8Array | undefined> => {
        if (reader === undefined) return undefined;
        try {
          const next = await reader.read();
          return next.done ? undefined : next.value;
        } catch (cause) {
          // The upstream broke off after the first byte: nothing is retried (SPEC §5.4); the
          // client learns it from an error event rather than from a stream that just stops.
          const message = `the upstream's stream broke off: ${describeCause(cause)}`;
          frames += translator.error("api_error", message);
          finished = true;
          return undefined;
        }
      };
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          while (frames === "" && !finished) {
            const bytes = await read();
            if (bytes !== undefined) {
              splitter.push(decoder.decode(bytes, { stream: true }));
              if (finished) await reader?.cancel().catch(() => {});
            } else if (!finished) {
              splitter.push(decoder.decode());
              splitter.finish();
              if (!finished) frames += translator.end();
              finished = true;
            }
          }
          if (frames !== "") controller.enqueue(encoder.encode(frames));
          frames = "";
          if (finished) controller.close();
        },
        cancel(reason) {
          return reader?.cancel(reason);
        },
      });
      return new Response(body, { status: 200, headers: SSE_HEADERS });
    },
    upstreamError: anthropicUpstreamError,
  };
}
