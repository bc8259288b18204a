/**
 * How a Gemini reply ended and what it cost, in Anthropic's terms (translation/reply-ending.ts
 * reads both from Gemini).
 *
 * `stop_reason`: `max_tokens`, `tool_use`, `refusal` (which clients such as Claude Code treat as
 * a policy stop instead of an empty answer), else `end_turn`. `stop_sequence` is never reported.
 *
 * `usage`: input = prompt − cached, cache read = cached, output = candidates + thoughts
 * (Anthropic bills thinking as output), cache creation = 0 (Gemini caches implicitly, for free).
 */
import { endingOf, type Outcome, tokenCountsOf } from "../translation/reply-ending.ts";

export type StopReason = "end_turn" | "max_tokens" | "tool_use" | "refusal";

export function stopReasonOf(outcome: Outcome): StopReason {
  const ending = endingOf(outcome);
  return ending === "stop" ? "end_turn" : ending;
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export function anthropicUsage(usageMetadata: unknown): AnthropicUsage {
  const counts = tokenCountsOf(usageMetadata);
  return {
    input_tokens: Math.max(0, counts.prompt - counts.cached),
    output_tokens: counts.candidates + counts.thoughts,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: counts.cached,
  };
}
