/**
 * The account file's quota members, in the reference's format: `quota` ({models: [{name,
 * percentage, reset_time}], last_updated, is_forbidden, subscription_tier, …}) and
 * `protected_models` (the groups protection skips). Read leniently: a member of another shape is
 * not an error — the account simply has no quota — and its raw text stays in the file untouched.
 */
import { isDeepStrictEqual } from "node:util";
import * as v from "valibot";
import type { Account } from "../../accounts/account.ts";
import {
  type AccountQuota,
  DEFAULT_PROTECTED_GROUPS,
  type ModelQuota,
  modelQuota,
} from "../../accounts/quota.ts";
import type { Fields } from "./merge-raw-members.ts";
import { renderFields } from "./merge-raw-members.ts";
import { type RawMember, readRawMembers } from "./raw-json-object.ts";

/** Google lists a few dozen models; far more is not a quota record. */
const MAX_MODELS = 1000;
const MAX_NAME = 200;

const finite = v.pipe(v.number(), v.finite());
const QuotaModel = v.looseObject({
  name: v.pipe(v.string(), v.maxLength(MAX_NAME)),
  percentage: finite,
  reset_time: v.nullish(v.pipe(v.string(), v.maxLength(MAX_NAME))),
});
const QuotaMember = v.looseObject({
  models: v.pipe(v.array(QuotaModel), v.maxLength(MAX_MODELS)),
  last_updated: v.nullish(finite),
  is_forbidden: v.nullish(v.boolean()),
  subscription_tier: v.nullish(v.pipe(v.string(), v.maxLength(MAX_NAME))),
});
const ProtectedModels = v.pipe(v.array(v.pipe(v.string(), v.maxLength(MAX_NAME))), v.maxLength(MAX_MODELS));

export const LEGACY_PROTECTION_REASON = "quota_protection";

function toModel(model: v.InferOutput<typeof QuotaModel>): ModelQuota {
  return modelQuota(model.name, model.percentage, model.reset_time ?? undefined);
}

function toQuota(member: v.InferOutput<typeof QuotaMember>): AccountQuota {
  return {
    models: member.models.map(toModel),
    isForbidden: member.is_forbidden ?? false,
    ...(member.last_updated == null ? {} : { lastUpdated: member.last_updated }),
    ...(member.subscription_tier == null ? {} : { subscriptionTier: member.subscription_tier }),
  };
}

/**
 * The reference's old way to protect: the whole account proxy-disabled with this reason. It is
 * read as the reference reads it since it moved to per-group protection: the account is not
 * proxy-disabled but protected for every default group until its quota says otherwise (the next
 * write records that, as the reference's own migration does).
 */
export function isLegacyProtection(file: Record<string, unknown>): boolean {
  return file.proxy_disabled === true && file.proxy_disabled_reason === LEGACY_PROTECTION_REASON;
}

/** The quota members of a parsed account file (see isLegacyProtection). */
export function readQuotaMembers(file: Record<string, unknown>): Pick<Account, "quota" | "protectedModels"> {
  const quota = v.safeParse(QuotaMember, file.quota);
  const listed = v.safeParse(ProtectedModels, file.protected_models);
  let protectedModels = listed.success ? listed.output : undefined;
  if (isLegacyProtection(file))
    protectedModels = [...new Set([...(protectedModels ?? []), ...DEFAULT_PROTECTED_GROUPS])];
  return {
    ...(quota.success ? { quota: toQuota(quota.output) } : {}),
    ...(protectedModels === undefined ? {} : { protectedModels }),
  };
}

function quotaFields(quota: AccountQuota): Fields {
  return [
    [
      "models",
      quota.models.map((model) =>
        model.resetTime === undefined
          ? { name: model.name, percentage: model.percentage }
          : { name: model.name, percentage: model.percentage, reset_time: model.resetTime },
      ),
    ],
    ["last_updated", quota.lastUpdated],
    ["is_forbidden", quota.isForbidden],
    ["subscription_tier", quota.subscriptionTier],
  ];
}

function membersOf(raw: string | undefined): RawMember[] {
  if (raw === undefined) return [];
  try {
    return readRawMembers(raw);
  } catch {
    return []; // not an object: ours replaces it
  }
}

/**
 * The `quota` member's text for `quota` at the top level of a file, over the previous member:
 * its own other members (the reference keeps more there) stay as they were.
 */
export function renderQuota(quota: AccountQuota, previousRaw: string | undefined): string {
  if (previousRaw !== undefined && isDeepStrictEqual(quotaIn(previousRaw), quota)) return previousRaw;
  return renderFields(quotaFields(quota), membersOf(previousRaw), 1);
}

function quotaIn(raw: string): AccountQuota | undefined {
  try {
    const parsed = v.safeParse(QuotaMember, JSON.parse(raw));
    return parsed.success ? toQuota(parsed.output) : undefined;
  } catch {
    return undefined;
  }
}
