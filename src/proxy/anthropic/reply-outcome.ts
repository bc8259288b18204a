/**
 * How a Gemini reply ended and what it cost, in Anthropic's terms.
 *
 * `stop_reason`: MAX_TOKENS → `max_tokens`; a finished reply with function calls → `tool_use`;
 * a blocked prompt or a reply stopped by Google's filters (SAFETY, RECITATION, BLOCKLIST,
 * PROHIBITED_CONTENT, SPII, IMAGE_SAFETY…) → `refusal`, which clients such as Claude Code
 * treat as a policy stop instead of an empty answer; anything else (STOP, OTHER,
 * MALFORMED_FUNCTION_CALL, none) → `end_turn`. `stop_sequence` is never reported: Gemini says
 * that it stopped, not on which sequence, so such a stop reads as `end_turn`.
 *
 * `usage`: input = prompt − cached, cache read = cached, output = candidates + thoughts
 * (Anthropic bills thinking as output), cache creation = 0 (Gemini caches implicitly, for free).
 */
import { isRecord } from "../translation/is-record.ts";

export type StopReason = "end_turn" | "max_tokens" | "tool_use" | "refusal";

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

export function stopReasonOf(outcome: Outcome): StopReason {
  if (outcome.promptBlocked) return "refusal";
  const reason = outcome.finishReason;
  if (reason === "MAX_TOKENS") return "max_tokens";
  if (reason !== undefined && REFUSALS.has(reason)) return "refusal";
  return outcome.toolUses > 0 ? "tool_use" : "end_turn";
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

const count = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;

export function anthropicUsage(usageMetadata: unknown): AnthropicUsage {
  const usage = isRecord(usageMetadata) ? usageMetadata : {};
  const cached = count(usage.cachedContentTokenCount);
  return {
    input_tokens: Math.max(0, count(usage.promptTokenCount) - cached),
    output_tokens: count(usage.candidatesTokenCount) + count(usage.thoughtsTokenCount),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}
