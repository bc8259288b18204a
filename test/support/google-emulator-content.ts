/**
 * What the Google emulator's model "says": GenerateContentResponse objects naming the identity
 * that served the call, the streamed forms (SSE events, or the JSON array Google sends without
 * `alt=sse`) released through the stream hold, token counts, and the model list.
 */
import type { HeldStream } from "./google-emulator-gates.ts";
import { randomId } from "./google-emulator-state.ts";
import type { UpstreamStream } from "./google-emulator-types.ts";

export interface EmulatedModel {
  readonly id: string;
  readonly displayName: string;
  readonly input: number;
  readonly output: number;
  /** Embedding models answer embedContent and batchEmbedContents, and generate nothing. */
  readonly embedding?: true;
}

const GENERATION_METHODS = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"];
const EMBEDDING_METHODS = ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"];

export const MODELS: readonly EmulatedModel[] = [
  { id: "gemini-2.5-flash", displayName: "Gemini 2.5 Flash", input: 1048576, output: 65536 },
  { id: "gemini-2.5-pro", displayName: "Gemini 2.5 Pro", input: 1048576, output: 65536 },
  { id: "gemini-2.0-flash", displayName: "Gemini 2.0 Flash", input: 1048576, output: 8192 },
  {
    id: "gemini-embedding-001",
    displayName: "Gemini Embedding 001",
    input: 2048,
    output: 1,
    embedding: true,
  },
];

export function modelResource(model: EmulatedModel): Record<string, unknown> {
  const common = {
    name: `models/${model.id}`,
    version: "001",
    displayName: model.displayName,
    description: `${model.displayName} (served by the Google emulator)`,
    inputTokenLimit: model.input,
    outputTokenLimit: model.output,
  };
  if (model.embedding === true) return { ...common, supportedGenerationMethods: EMBEDDING_METHODS };
  return {
    ...common,
    supportedGenerationMethods: GENERATION_METHODS,
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  };
}

/** Every `text` part in a request's contents (and system instruction), in order. */
export function texts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(texts);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === "text" && typeof inner === "string" ? [inner] : texts(inner),
  );
}

/** About four characters per token, like Google's own rule of thumb; at least one. */
export function countTokens(request: unknown): number {
  const chars = texts(request).reduce((sum, text) => sum + text.length, 0);
  return Math.max(1, Math.ceil(chars / 4));
}

export interface ReplySpec {
  model: string;
  promptTokens: number;
  responseId: string;
}

export function newReplySpec(model: string, request: unknown): ReplySpec {
  return { model, promptTokens: countTokens(request), responseId: randomId(16) };
}

/** One GenerateContentResponse; `last` carries finishReason and the full usage. */
export function generateContentResponse(
  text: string,
  spec: ReplySpec,
  last: boolean,
): Record<string, unknown> {
  const candidate: Record<string, unknown> = { content: { role: "model", parts: [{ text }] } };
  if (last) candidate.finishReason = "STOP";
  candidate.index = 0;
  const candidatesTokens = Math.max(1, Math.ceil(text.length / 4));
  const usageMetadata: Record<string, unknown> = last
    ? {
        promptTokenCount: spec.promptTokens,
        candidatesTokenCount: candidatesTokens,
        totalTokenCount: spec.promptTokens + candidatesTokens,
        promptTokensDetails: [{ modality: "TEXT", tokenCount: spec.promptTokens }],
      }
    : { promptTokenCount: spec.promptTokens, totalTokenCount: spec.promptTokens };
  return { candidates: [candidate], usageMetadata, modelVersion: spec.model, responseId: spec.responseId };
}

export type StreamFormat = "sse" | "json-array";

function connectionClosed(): TypeError {
  const error = new TypeError("ECONNRESET: The socket connection was closed unexpectedly.");
  return Object.assign(error, { code: "ECONNRESET" });
}

export interface EventStreamOptions {
  format: StreamFormat;
  hold: () => HeldStream | undefined;
  /** Counts the events a reader took, and says how the stream ended. */
  progress: UpstreamStream;
  /** `end`: the stream ends after its last event; `break`: the connection drops there instead. */
  ending: "end" | "break";
}

/**
 * A body that sends one event per payload, each waiting for the stream hold (when one is set)
 * so a test can see events arrive one by one. Google ends SSE events with CRLF CRLF. An event is
 * made only when the reader pulls, and `progress` counts them, so a test sees how far a reader
 * has read and whether it went away.
 */
export function eventStream(payloads: unknown[], options: EventStreamOptions): ReadableStream<Uint8Array> {
  const { format, hold, progress, ending } = options;
  const encoder = new TextEncoder();
  const gone = new AbortController();
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent === payloads.length && ending === "break") {
        await hold()?.next(gone.signal);
        if (gone.signal.aborted) return;
        // Bun writes what was enqueued when its event loop turns; an error in the same turn would
        // drop those events unsent. Over a socket the reader sees the reset whatever the reason;
        // without one (google.fetch) it sees this, which is what Bun's fetch reports.
        await new Promise((resolve) => setTimeout(resolve, 0));
        progress.state = "broken";
        controller.error(connectionClosed());
        return;
      }
      if (payloads.length === 0) {
        if (format === "json-array") controller.enqueue(encoder.encode("[]"));
        progress.state = "complete";
        controller.close();
        return;
      }
      await hold()?.next(gone.signal);
      if (gone.signal.aborted) return;
      const payload = JSON.stringify(payloads[sent]);
      const last = sent === payloads.length - 1 && ending === "end";
      const piece =
        format === "sse"
          ? `data: ${payload}\r\n\r\n`
          : `${sent === 0 ? "[" : ",\r\n"}${payload}${last ? "]" : ""}`;
      controller.enqueue(encoder.encode(piece));
      sent += 1;
      progress.sent = sent;
      if (last) {
        progress.state = "complete";
        controller.close();
      }
    },
    cancel() {
      if (progress.state === "open") progress.state = "cancelled";
      gone.abort();
    },
  });
}

export function streamHeaders(format: StreamFormat): Record<string, string> {
  return {
    "content-type": format === "sse" ? "text/event-stream" : "application/json; charset=UTF-8",
    "content-disposition": "attachment",
    vary: "Origin, X-Origin, Referer",
    server: "ESF",
    "x-content-type-options": "nosniff",
  };
}
