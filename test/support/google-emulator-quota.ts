/**
 * The Google emulator's Cloud Code Assist quota: what `POST /v1internal:fetchAvailableModels`
 * answers for each identity (per model, the remaining fraction of its quota and when it resets),
 * the switches tests turn to change it, and how many such calls each identity made. Quota is only
 * reported here: generate calls do not use it up, so a test says what "Google" reports.
 */
import { apiJson } from "./google-emulator-replies.ts";
import type { QuotaSetting } from "./google-emulator-types.ts";

export interface CodeAssistModel {
  readonly id: string;
  readonly displayName: string;
  /** A model without quota comes back without `quotaInfo`, as Google sends it. */
  readonly hasQuota: boolean;
}

/** The models fetchAvailableModels lists, in reply order. */
export const CODE_ASSIST_QUOTA_MODELS: readonly CodeAssistModel[] = [
  { id: "gemini-3-pro-high", displayName: "Gemini 3 Pro (High)", hasQuota: true },
  { id: "gemini-3-pro-low", displayName: "Gemini 3 Pro (Low)", hasQuota: true },
  { id: "gemini-3-flash", displayName: "Gemini 3 Flash", hasQuota: true },
  { id: "gemini-3.1-flash-image", displayName: "Gemini 3.1 Flash Image", hasQuota: true },
  { id: "claude-sonnet-4-5", displayName: "Claude Sonnet 4.5", hasQuota: true },
  { id: "claude-sonnet-4-5-thinking", displayName: "Claude Sonnet 4.5 (Thinking)", hasQuota: true },
  { id: "claude-opus-4-5-thinking", displayName: "Claude Opus 4.5 (Thinking)", hasQuota: true },
  { id: "chat_20706", displayName: "chat_20706", hasQuota: false },
];

/** How long a fresh quota window lasts: Google's resetTime of a full quota is about 5 h ahead. */
const QUOTA_WINDOW_MS = 5 * 60 * 60 * 1000;

interface ModelQuota {
  remainingFraction: number;
  resetTime: Date;
}

/** RFC 3339 in UTC without fractional seconds, as Google writes a google.protobuf.Timestamp here. */
function rfc3339(time: Date): string {
  return time.toISOString().replace(/\.\d+Z$/, "Z");
}

function quotaModel(model: string): CodeAssistModel {
  const known = CODE_ASSIST_QUOTA_MODELS.find((m) => m.id === model && m.hasQuota);
  if (known !== undefined) return known;
  const ids = CODE_ASSIST_QUOTA_MODELS.filter((m) => m.hasQuota).map((m) => m.id);
  throw new Error(`Google emulator: no quota model "${model}"; quota models: ${ids.join(", ")}`);
}

function checkFraction(fraction: number): void {
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new RangeError(`Google emulator: remainingFraction must be 0 to 1, got ${fraction}`);
  }
}

function checkResetTime(time: Date | undefined): void {
  if (time !== undefined && Number.isNaN(time.getTime())) {
    throw new RangeError("Google emulator: resetTime is an invalid Date");
  }
}

/**
 * Every identity's quota, created full on first use (the first call or switch) so its resetTime
 * stays put between calls, as a real quota window's does. Emails match case-insensitively, like
 * the emulator's identities. Time does not refill a quota: tests call reset().
 */
export class QuotaLedger {
  readonly #now: () => number;
  readonly #quotas = new Map<string, Map<string, ModelQuota>>();
  readonly #calls = new Map<string, number>();

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  set(email: string, model: string, setting: QuotaSetting): void {
    checkFraction(setting.remainingFraction);
    checkResetTime(setting.resetTime);
    const quota = this.#quotasOf(email).get(quotaModel(model).id);
    if (quota === undefined) return;
    quota.remainingFraction = setting.remainingFraction;
    if (setting.resetTime !== undefined) quota.resetTime = new Date(setting.resetTime);
  }

  /** Every quota model of the identity to `fraction`; reset times stay. */
  lower(email: string, fraction: number): void {
    checkFraction(fraction);
    for (const quota of this.#quotasOf(email).values()) quota.remainingFraction = fraction;
  }

  /** Back to full, in a fresh window. */
  reset(email: string): void {
    this.#quotas.set(email.toLowerCase(), this.#fullQuotas());
  }

  /** Counts an authenticated fetchAvailableModels call, answered or failed by a fault. */
  countCall(email: string): void {
    const key = email.toLowerCase();
    this.#calls.set(key, (this.#calls.get(key) ?? 0) + 1);
  }

  callsFor(email: string): number {
    return this.#calls.get(email.toLowerCase()) ?? 0;
  }

  /**
   * The 200 reply of fetchAvailableModels. Proto3 JSON leaves out fields at their default, so a
   * remainingFraction of exactly 0 is omitted and quotaInfo has only resetTime.
   */
  reply(email: string): Response {
    const quotas = this.#quotasOf(email);
    const models: Record<string, unknown> = {};
    for (const model of CODE_ASSIST_QUOTA_MODELS) {
      const quota = quotas.get(model.id);
      if (quota === undefined) {
        models[model.id] = { displayName: model.displayName };
        continue;
      }
      const resetTime = rfc3339(quota.resetTime);
      const quotaInfo =
        quota.remainingFraction === 0
          ? { resetTime }
          : { remainingFraction: quota.remainingFraction, resetTime };
      models[model.id] = { displayName: model.displayName, quotaInfo };
    }
    return apiJson(200, { models });
  }

  #quotasOf(email: string): Map<string, ModelQuota> {
    const key = email.toLowerCase();
    const existing = this.#quotas.get(key);
    if (existing !== undefined) return existing;
    const fresh = this.#fullQuotas();
    this.#quotas.set(key, fresh);
    return fresh;
  }

  #fullQuotas(): Map<string, ModelQuota> {
    const resetTime = new Date(this.#now() + QUOTA_WINDOW_MS);
    const quotas = new Map<string, ModelQuota>();
    for (const model of CODE_ASSIST_QUOTA_MODELS) {
      if (model.hasQuota) quotas.set(model.id, { remainingFraction: 1, resetTime: new Date(resetTime) });
    }
    return quotas;
  }
}
