/**
 * Cloud Code Assist's per-model quota: `POST /v1internal:fetchAvailableModels` with the account's
 * project answers, per model, the fraction of quota left and when it resets. Only Gemini and
 * Claude models are kept, as the reference keeps them; a model without `quotaInfo` has no quota.
 * Proto3 JSON leaves a zero out, so `quotaInfo` without `remainingFraction` means none is left.
 */
import * as v from "valibot";
import { type ModelQuota, modelQuota, percentageOf } from "../../accounts/quota.ts";
import type { FetchLike } from "../../oauth/google-oauth-client.ts";
import type { Lease } from "../../pool/lease.ts";
import type { FetchQuota, QuotaFetch } from "../../pool/quota-refresher.ts";
import type { ProjectLookup } from "./code-assist-project.ts";
import { upstreamHeaders } from "./upstream-profile.ts";

/** Google lists a few dozen models in a few kB; far more is not this reply. */
const MAX_REPLY_BYTES = 1024 * 1024;
const MAX_MODELS = 1000;

const QuotaInfo = v.looseObject({
  remainingFraction: v.optional(v.pipe(v.number(), v.finite())),
  resetTime: v.optional(v.pipe(v.string(), v.maxLength(64))),
});
const AvailableModels = v.looseObject({
  models: v.optional(
    v.pipe(
      v.record(v.pipe(v.string(), v.maxLength(200)), v.looseObject({ quotaInfo: v.optional(QuotaInfo) })),
      v.check((models) => Object.keys(models).length <= MAX_MODELS, "too many models"),
    ),
  ),
});

export interface QuotaFetchDeps {
  readonly fetch: FetchLike;
  readonly baseUrl: string;
  readonly projectFor: (lease: Lease, signal: AbortSignal) => Promise<ProjectLookup>;
  /** The account's Code Assist tier; a failure to learn it fails nothing. */
  readonly tierFor?: (lease: Lease, signal: AbortSignal) => Promise<string | undefined>;
}

export function createQuotaFetch(deps: QuotaFetchDeps): FetchQuota {
  return async (lease, signal) => {
    const project = await deps.projectFor(lease, signal);
    if (!project.ok) {
      const why = project.error.kind === "reply" ? `HTTP ${project.error.reply.status}` : "no reply";
      return { kind: "failed", reason: `its Cloud Code Assist project is unknown (loadCodeAssist: ${why})` };
    }
    const reply = await deps.fetch(`${deps.baseUrl}/v1internal:fetchAvailableModels`, {
      method: "POST",
      headers: upstreamHeaders(lease),
      body: JSON.stringify({ project: project.value }),
      signal,
    });
    if (reply.status === 403) {
      await reply.body?.cancel();
      return { kind: "forbidden" };
    }
    if (!reply.ok) {
      await reply.body?.cancel();
      return { kind: "failed", reason: `Google answered HTTP ${reply.status}` };
    }
    const found = modelsIn(await reply.text());
    if (found.kind !== "quota" || deps.tierFor === undefined) return found;
    const tier = await deps.tierFor(lease, signal).catch(() => undefined);
    return tier === undefined ? found : { ...found, subscriptionTier: tier };
  };
}

/** The quota in a fetchAvailableModels reply, or why it is not one. */
export function modelsIn(text: string): QuotaFetch {
  if (text.length > MAX_REPLY_BYTES) return { kind: "failed", reason: "the reply is too large" };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: "failed", reason: "the reply is not JSON" };
  }
  const parsed = v.safeParse(AvailableModels, json);
  if (!parsed.success) return { kind: "failed", reason: "the reply is not a list of models" };
  const models: ModelQuota[] = [];
  for (const [name, model] of Object.entries(parsed.output.models ?? {})) {
    const info = model.quotaInfo;
    if (info === undefined || !/gemini|claude/i.test(name)) continue;
    const percentage = percentageOf(info.remainingFraction ?? 0);
    models.push(modelQuota(name, percentage, info.resetTime));
  }
  return { kind: "quota", models };
}
