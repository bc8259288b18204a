/**
 * The few things the reply translators read from one GenerateContentResponse (whole, or one
 * streamed chunk), tolerating any shape: the first candidate's parts (Anthropic has one
 * answer), its finishReason, a prompt block, and the usage so far.
 */
import { isRecord } from "./is-record.ts";

export interface GeminiChunk {
  readonly parts: readonly unknown[];
  readonly finishReason: string | undefined;
  readonly promptBlocked: boolean;
  readonly usageMetadata: Record<string, unknown> | undefined;
}

const NONE: GeminiChunk = {
  parts: [],
  finishReason: undefined,
  promptBlocked: false,
  usageMetadata: undefined,
};

export function readGeminiChunk(chunk: unknown): GeminiChunk {
  if (!isRecord(chunk)) return NONE;
  const candidate = Array.isArray(chunk.candidates) ? chunk.candidates[0] : undefined;
  const content = isRecord(candidate) ? candidate.content : undefined;
  const parts = isRecord(content) && Array.isArray(content.parts) ? content.parts : [];
  const finishReason =
    isRecord(candidate) && typeof candidate.finishReason === "string" && candidate.finishReason !== ""
      ? candidate.finishReason
      : undefined;
  const feedback = chunk.promptFeedback;
  const promptBlocked = isRecord(feedback) && typeof feedback.blockReason === "string";
  const usageMetadata = isRecord(chunk.usageMetadata) ? chunk.usageMetadata : undefined;
  return { parts, finishReason, promptBlocked, usageMetadata };
}
