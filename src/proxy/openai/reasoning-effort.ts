/**
 * OpenAI's reasoning effort (Chat Completions' `reasoning_effort`, the Responses API's
 * `reasoning.effort`) → Gemini's `thinkingConfig`, through the table every protocol shares
 * (translation/thinking-config.ts): `none` turns thinking off (as far as the model allows),
 * `minimal` is a small fixed budget (Gemini 3: `low`), `low` … `max` are the shared efforts, and
 * no effort leaves the model's default. Thought text is asked for only when the client can take
 * it (`summaries`: the Responses API's reasoning summaries); signatures arrive either way.
 */
import {
  type GeminiFamily,
  type ThinkingRequest,
  thinkingConfigFor,
} from "../translation/thinking-config.ts";

const MINIMAL_BUDGET = 1024;

function thinkingRequest(effort: string, summaries: boolean): ThinkingRequest {
  const display = summaries ? undefined : "omitted";
  if (effort === "none") return { type: "disabled" };
  if (effort === "minimal") return { type: "enabled", budgetTokens: MINIMAL_BUDGET, display };
  return { type: "adaptive", effort, display };
}

export function thinkingForEffort(
  effort: string | null | undefined,
  family: GeminiFamily,
  summaries: boolean,
): Record<string, unknown> | undefined {
  if (effort === undefined || effort === null) {
    // No effort: the model's own default, with thought text only when summaries were asked for.
    return summaries ? thinkingConfigFor({ type: "adaptive" }, family) : undefined;
  }
  return thinkingConfigFor(thinkingRequest(effort, summaries), family);
}
