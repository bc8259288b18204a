/**
 * The sampling fields of a Messages request → Gemini `generationConfig`.
 *
 * `max_tokens` → `maxOutputTokens` and `stop_sequences` → `stopSequences`, fitted to Gemini's
 * limits (translation/output-limits.ts: Claude Code asks for 128000 tokens). `temperature`,
 * `top_p` and `top_k` are passed on; both APIs share their meaning (Gemini's temperature range
 * is wider and includes Anthropic's).
 */

import { maxOutputTokensFor, stopSequencesFor } from "../translation/output-limits.ts";
import { type GeminiFamily, thinkingConfigFor } from "../translation/thinking-config.ts";
import type { MessagesEnvelope } from "./messages-envelope.ts";

const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

export function generationConfigFor(
  envelope: MessagesEnvelope,
  family: GeminiFamily,
): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (envelope.max_tokens !== undefined)
    config.maxOutputTokens = maxOutputTokensFor(envelope.max_tokens, family);
  if (isNumber(envelope.temperature)) config.temperature = envelope.temperature;
  if (isNumber(envelope.top_p)) config.topP = envelope.top_p;
  if (isNumber(envelope.top_k)) config.topK = envelope.top_k;
  const stops = stopSequencesFor(envelope.stop_sequences ?? undefined);
  if (stops !== undefined) config.stopSequences = stops;
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
