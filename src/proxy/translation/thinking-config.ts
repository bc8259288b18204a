/**
 * Anthropic's thinking controls → Gemini's `thinkingConfig`.
 *
 * | request                                   | Gemini 2.5 (`thinkingBudget`)         | Gemini 3+ (`thinkingLevel`) |
 * |-------------------------------------------|---------------------------------------|-----------------------------|
 * | `{type:"enabled", budget_tokens: n}`      | n, clamped to the model's range       | `low` up to 4096, else `high` |
 * | `{type:"adaptive"}`, effort low           | 2048                                  | `low`                       |
 * | `{type:"adaptive"}`, effort medium / none | -1 (dynamic: the model decides)       | model default (`high`)      |
 * | `{type:"adaptive"}`, effort high          | 16384, clamped                        | model default (`high`)      |
 * | `{type:"adaptive"}`, effort xhigh / max   | the model's maximum                   | model default (`high`)      |
 * | `{type:"disabled"}`                       | 0 where allowed (flash), else minimum | `low`                       |
 * | no `thinking`                             | nothing sent: the model's default     | nothing sent                |
 *
 * Thought text is asked for (`includeThoughts`) when thinking is on and `display` is not
 * `"omitted"`; signatures arrive either way. The ranges are Google's published ones; when the
 * upstream model is not known, the range every 2.5 model accepts is used and "disabled" sends
 * nothing (a Pro model refuses a budget of 0). Models without thinking (1.x, 2.0) get nothing.
 */

export type GeminiFamily =
  | "gemini-3"
  | "2.5-pro"
  | "2.5-flash"
  | "2.5-flash-lite"
  | "no-thinking"
  | "unknown";

export interface ThinkingRequest {
  readonly type?: "enabled" | "adaptive" | "disabled" | undefined;
  readonly budgetTokens?: number | undefined;
  readonly display?: string | undefined;
  readonly effort?: string | undefined;
}

interface BudgetRange {
  readonly min: number;
  readonly max: number;
  /** Whether 0 (no thinking) is accepted. */
  readonly off: boolean;
}

const RANGES: Record<"2.5-pro" | "2.5-flash" | "2.5-flash-lite" | "unknown", BudgetRange> = {
  "2.5-pro": { min: 128, max: 32768, off: false },
  "2.5-flash": { min: 1, max: 24576, off: true },
  "2.5-flash-lite": { min: 512, max: 24576, off: true },
  unknown: { min: 512, max: 24576, off: false },
};

const LOW_LEVEL_MAX_BUDGET = 4096;
const EFFORT_BUDGET: Record<string, number> = { low: 2048, high: 16384 };

/** The thinking behaviour of an upstream model, from its name. */
export function geminiFamilyOf(model: string | undefined): GeminiFamily {
  if (model === undefined) return "unknown";
  const name = model.toLowerCase();
  const major = /gemini-(\d+)/.exec(name)?.[1];
  if (major !== undefined && Number(major) >= 3) return "gemini-3";
  if (name.includes("gemini-2.5")) {
    if (name.includes("flash-lite")) return "2.5-flash-lite";
    if (name.includes("flash")) return "2.5-flash";
    return "2.5-pro";
  }
  if (/gemini-(1\.|2\.0)/.test(name)) return "no-thinking";
  return "unknown";
}

const clamp = (value: number, range: BudgetRange) => Math.min(range.max, Math.max(range.min, value));

function levelConfig(request: ThinkingRequest, includeThoughts: boolean): Record<string, unknown> {
  const config: Record<string, unknown> = { includeThoughts };
  if (request.type === "disabled") config.thinkingLevel = "low";
  else if (request.type === "enabled") {
    const budget = request.budgetTokens ?? Number.POSITIVE_INFINITY;
    config.thinkingLevel = budget <= LOW_LEVEL_MAX_BUDGET ? "low" : "high";
  } else if (request.effort === "low") config.thinkingLevel = "low";
  return config;
}

function budgetFor(request: ThinkingRequest, range: BudgetRange): number | undefined {
  if (request.type === "disabled") return range.off ? 0 : undefined;
  if (request.type === "enabled") return clamp(request.budgetTokens ?? range.max, range);
  const effort = request.effort ?? "medium";
  if (effort === "xhigh" || effort === "max") return range.max;
  const fixed = EFFORT_BUDGET[effort];
  return fixed === undefined ? -1 : clamp(fixed, range);
}

/** The `thinkingConfig` for a request, or undefined when none should be sent. */
export function thinkingConfigFor(
  request: ThinkingRequest,
  family: GeminiFamily,
): Record<string, unknown> | undefined {
  if (request.type === undefined || family === "no-thinking") return undefined;
  const includeThoughts = request.type !== "disabled" && request.display !== "omitted";
  if (family === "gemini-3") return levelConfig(request, includeThoughts);
  const range = RANGES[family];
  const budget = budgetFor(request, range);
  if (budget === undefined) {
    // "disabled" on a model that cannot stop thinking: its least, and no thought text.
    return family === "unknown" ? undefined : { thinkingBudget: range.min, includeThoughts: false };
  }
  return { thinkingBudget: budget, includeThoughts };
}
