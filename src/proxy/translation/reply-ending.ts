/**
 * How a Gemini reply ended and what it cost, before any protocol names it.
 *
 * Ending: a blocked prompt or a reply stopped by Google's filters (SAFETY, RECITATION,
 * BLOCKLIST, PROHIBITED_CONTENT, SPII, IMAGE_SAFETY…) → `refusal`; MAX_TOKENS → `max_tokens`;
 * a finished reply with function calls → `tool_use`; anything else (STOP, OTHER,
 * MALFORMED_FUNCTION_CALL, none) → `stop`. Gemini says that it stopped, not on which stop
 * sequence, so such a stop reads as `stop`.
 *
 * Token counts: Gemini's usageMetadata read defensively (a missing or odd count is 0).
 */
import { isRecord } from "./is-record.ts";

export type ReplyEnding = "stop" | "max_tokens" | "tool_use" | "refusal";

const REFUSALS = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

export interface Outcome {
  /** The first candidate's `finishReason`, once one was seen. */
  readonly finishReason?: string | undefined;
  /** Whether `promptFeedback.blockReason` refused the prompt. */
  readonly promptBlocked: boolean;
  readonly toolUses: number;
}

export function endingOf(outcome: Outcome): ReplyEnding {
  if (outcome.promptBlocked) return "refusal";
  const reason = outcome.finishReason;
  if (reason === "MAX_TOKENS") return "max_tokens";
  if (reason !== undefined && REFUSALS.has(reason)) return "refusal";
  return outcome.toolUses > 0 ? "tool_use" : "stop";
}

export interface TokenCounts {
  /** The whole prompt, cached part included. */
  readonly prompt: number;
  /** The part of the prompt read from Gemini's (implicit) cache. */
  readonly cached: number;
  /** The answer, thoughts excluded. */
  readonly candidates: number;
  readonly thoughts: number;
}

const count = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;

export function tokenCountsOf(usageMetadata: unknown): TokenCounts {
  const usage = isRecord(usageMetadata) ? usageMetadata : {};
  return {
    prompt: count(usage.promptTokenCount),
    cached: count(usage.cachedContentTokenCount),
    candidates: count(usage.candidatesTokenCount),
    thoughts: count(usage.thoughtsTokenCount),
  };
}
