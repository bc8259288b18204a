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

/** What StreamRelay uses of a body's reader. */
interface BodyReader {
  read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
  cancel(reason?: unknown): Promise<void>;
}

/**
 * Reads the upstream's Gemini SSE body and hands out the Anthropic frames each read completes.
 * After an error event nothing more: the relay is done at once and stops reading the upstream.
 */
class StreamRelay {
  private frames = "";
  private finished = false;
  private readonly decoder = new TextDecoder();
  private readonly splitter = createSseEventSplitter((lines) => this.translate(lines));

  constructor(
    private readonly reader: BodyReader | undefined,
    private readonly translator: AnthropicStreamTranslator,
  ) {}

  /** The next frames to send (empty only at the end), and whether nothing follows them. */
  async next(): Promise<{ frames: string; done: boolean }> {
    while (this.frames === "" && !this.finished) await this.readOnce();
    const frames = this.frames;
    this.frames = "";
    return { frames, done: this.finished };
  }

  cancel(reason: unknown): Promise<void> | undefined {
    return this.reader?.cancel(reason);
  }

  private translate(lines: readonly string[]): void {
    if (this.finished) return;
    const event = translateEvent(this.translator, lines);
    this.frames += event.frames;
    this.finished = event.failed;
  }

  private async readOnce(): Promise<void> {
    const bytes = await this.read();
    if (bytes !== undefined) {
      this.splitter.push(this.decoder.decode(bytes, { stream: true }));
      if (this.finished) await this.reader?.cancel().catch(() => {});
      return;
    }
    if (this.finished) return;
    this.splitter.push(this.decoder.decode());
    this.splitter.finish();
    if (!this.finished) this.frames += this.translator.end();
    this.finished = true;
  }

  /** The upstream's next bytes; undefined once it ended, or broke off (then with an error event). */
  private async read(): Promise<Uint8Array | undefined> {
    if (this.reader === undefined) return undefined;
    try {
      const next = await this.reader.read();
      return next.done ? undefined : (next.value ?? new Uint8Array());
    } catch (cause) {
      // The upstream broke off after the first byte: nothing is retried (SPEC §5.4); the client
      // learns it from an error event rather than from a stream that just stops.
      this.frames += this.translator.error(
        "api_error",
        `the upstream's stream broke off: ${describeCause(cause)}`,
      );
      this.finished = true;
      return undefined;
    }
  }
}

/**
 * `stream: true`: Gemini's `streamGenerateContent?alt=sse` events become Anthropic's. The client's
 * stream pulls the upstream body read by read, with no stream stage in between, and sends what
 * each read completes as one chunk: back-pressure reaches the upstream, and a client that goes
 * away cancels it.
 */
export function streamedMessageReplies(context: ReplyContext): ReplyAdapter {
  return {
    success(reply) {
      const relay = new StreamRelay(reply.body?.getReader(), createAnthropicStreamTranslator(context));
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { frames, done } = await relay.next();
          if (frames !== "") controller.enqueue(encoder.encode(frames));
          if (done) controller.close();
        },
        cancel(reason) {
          return relay.cancel(reason);
        },
      });
      return new Response(body, { status: 200, headers: SSE_HEADERS });
    },
    upstreamError: anthropicUpstreamError,
  };
}
