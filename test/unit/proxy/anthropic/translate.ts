/** Shorthands for the request-side tests: a minimal valid Messages request, translated. */
import {
  type TranslatedRequest,
  type TranslateOptions,
  translateMessagesRequest,
} from "../../../../src/proxy/anthropic/messages-request.ts";

export const BASE = { model: "claude-sonnet-4-5", max_tokens: 1024 } as const;

/** One user turn saying "hi", for requests whose conversation does not matter. */
export const HI = [{ role: "user", content: "hi" }] as const;

/** The translation of BASE plus `fields`; throws when the translator refuses it. */
export function translated(
  fields: Record<string, unknown>,
  options: TranslateOptions = {},
): TranslatedRequest {
  const result = translateMessagesRequest({ ...BASE, ...fields }, options);
  if (!result.ok) throw new Error(`expected a translation, got the refusal: ${result.error}`);
  return result.value;
}

/** The Gemini body for BASE plus `fields`. */
export function geminiBody(
  fields: Record<string, unknown>,
  options: TranslateOptions = {},
): Record<string, unknown> {
  return translated(fields, options).body;
}

/** The refusal for BASE plus `fields`; throws when the translator accepts it. */
export function refusal(fields: Record<string, unknown>): string {
  const result = translateMessagesRequest({ ...BASE, ...fields });
  if (result.ok) throw new Error("expected a refusal, got a translation");
  return result.error;
}
