/**
 * The output limits every protocol asks for, in the form Gemini takes: the token limit clamped
 * to what Gemini models accept (65536 for 2.5 and later, 8192 for models without thinking —
 * clients ask for 128000 and Google refuses a value above the model's limit instead of lowering
 * it), and at most five non-empty stop sequences (Gemini's limit).
 */
import type { GeminiFamily } from "./thinking-config.ts";

export const MAX_OUTPUT_TOKENS = 65536;
const MAX_OUTPUT_TOKENS_WITHOUT_THINKING = 8192;
const MAX_STOP_SEQUENCES = 5;

export function maxOutputTokensFor(requested: number, family: GeminiFamily): number {
  const cap = family === "no-thinking" ? MAX_OUTPUT_TOKENS_WITHOUT_THINKING : MAX_OUTPUT_TOKENS;
  return Math.min(requested, cap);
}

/** The stop sequences Gemini takes, or undefined when none is left. */
export function stopSequencesFor(stops: readonly string[] | undefined): string[] | undefined {
  const kept = stops?.filter((stop) => stop !== "").slice(0, MAX_STOP_SEQUENCES);
  return kept === undefined || kept.length === 0 ? undefined : kept;
}
