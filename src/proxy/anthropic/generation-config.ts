/**
 * The sampling fields of a Messages request → Gemini `generationConfig`.
 *
 * `max_tokens` → `maxOutputTokens`, clamped to what Gemini models accept (65536 for 2.5 and
 * later, 8192 for models without thinking): Claude Code asks for 128000, and Google refuses a
 * value above the model's limit instead of lowering it. `stop_sequences` keeps the first five
 * non-empty ones (Gemini's limit). `temperature`, `top_p` and `top_k` are passed on; both APIs
 * share their meaning (Gemini's temperature range is wider and includes Anthropic's).
 */

import { type GeminiFamily, thinkingConfigFor } from "../translation/thinking-config.ts";
import type { MessagesEnvelope } from "./messages-envelope.ts";

export const MAX_OUTPUT_TOKENS = 65536;
const MAX_OUTPUT_TOKENS_WITHOUT_THINKING = 8192;
const MAX_STOP_SEQUENCES = 5;

const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

export function generationConfigFor(
  envelope: MessagesEnvelope,
  family: GeminiFamily,
): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (envelope.max_tokens !== undefined) {
    const cap = family === "no-thinking" ? MAX_OUTPUT_TOKENS_WITHOUT_THINKING : MAX_OUTPUT_TOKENS;
    config.maxOutputTokens = Math.min(envelope.max_tokens, cap);
  }
  if (isNumber(envelope.temperature)) config.temperature = envelope.temperature;
  if (isNumber(envelope.top_p)) config.topP = envelope.top_p;
  if (isNumber(envelope.top_k)) config.topK = envelope.top_k;
  const stops = envelope.stop_sequences?.filter((stop) => stop !== "").slice(0, MAX_STOP_SEQUENCES);
  if (stops !== undefined && stops.length > 0) config.stopSequences = stops;
  const { thinking } = envelope;
  const thinkingConfig = thinkingConfigFor(
    {
      type: thinking?.type,
      budgetTokens: thinking?.budget_tokens ?? undefined,
      display: thinking?.display ?? undefined,
      effort: envelope.output_config?.effort ?? undefined,
    },
    family,
  );
  if (thinkingConfig !== undefined) config.thinkingConfig = thinkingConfig;
  return config;
}
