/**
 * A plain Gemini SSE reply (`streamGenerateContent?alt=sse`) → a client's SSE stream in another
 * protocol, event by event as Gemini's arrive. The protocol's translator turns each parsed chunk
 * into frames; this module only moves bytes. The client's stream pulls the upstream body read by
 * read, with no stream stage in between, and sends what each read completes as one chunk:
 * back-pressure reaches the upstream, and a client that goes away cancels it.
 *
 * A failure ends the stream with the translator's error frame, after which nothing follows and
 * the upstream is no longer read: Google's `{"error": {code, …}}` sent as an event, an event that
 * is not JSON, or an upstream that broke off after the first byte (nothing is retried then,
 * SPEC §5.4; the client learns it from an error event rather than from a stream that just stops).
 */
import { describeCause } from "../upstream/describe-cause.ts";
import { createSseEventSplitter, dataOf } from "../upstream/sse-events.ts";

export type StreamFailure =
  /** Google's error event: its code (500 when it names none) and the event's JSON text. */
  | { readonly kind: "google_error"; readonly code: number; readonly text: string }
  | { readonly kind: "not_json" }
  | { readonly kind: "broken"; readonly cause: string };

/** One protocol's frames for a Gemini stream. */
export interface StreamTranslator {
  /** One streamed GenerateContentResponse (the parsed JSON of one SSE `data:`) → frames. */
  push(chunk: unknown): string;
  /** The upstream stream ended well: the closing frames. */
  end(): string;
  /** The stream failed: the error frames, and nothing after them. */
  fail(failure: StreamFailure): string;
}

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

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
  translator: StreamTranslator,
  lines: readonly string[],
): { frames: string; failed: boolean } {
  let text: string | undefined;
  for (const line of lines) {
    const data = dataOf(line);
    if (data !== undefined) text = text === undefined ? data : `${text}\n${data}`;
  }
  if (text === undefined) return { frames: "", failed: false }; // comments and keep-alives
  const chunk = parseJson(text);
  if (chunk === undefined) return { frames: translator.fail({ kind: "not_json" }), failed: true };
  const code = googleErrorCode(chunk.value);
  if (code !== undefined) {
    return { frames: translator.fail({ kind: "google_error", code, text }), failed: true };
  }
  return { frames: translator.push(chunk.value), failed: false };
}

/** What StreamRelay uses of a body's reader. */
interface BodyReader {
  read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
  cancel(reason?: unknown): Promise<void>;
}

/** Reads the upstream's Gemini SSE body and hands out the frames each read completes. */
class StreamRelay {
  private frames = "";
  private finished = false;
  private readonly decoder = new TextDecoder();
  private readonly splitter = createSseEventSplitter((lines) => this.translate(lines));

  constructor(
    private readonly reader: BodyReader | undefined,
    private readonly translator: StreamTranslator,
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

  /** The upstream's next bytes; undefined once it ended, or broke off (then with an error frame). */
  private async read(): Promise<Uint8Array | undefined> {
    if (this.reader === undefined) return undefined;
    try {
      const next = await this.reader.read();
      return next.done ? undefined : (next.value ?? new Uint8Array());
    } catch (cause) {
      this.frames += this.translator.fail({ kind: "broken", cause: describeCause(cause) });
      this.finished = true;
      return undefined;
    }
  }
}

/** The client's SSE reply for a 2xx Gemini stream, translated as it arrives. */
export function relayGeminiStream(reply: Response, translator: StreamTranslator): Response {
  const relay = new StreamRelay(reply.body?.getReader(), translator);
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
}
