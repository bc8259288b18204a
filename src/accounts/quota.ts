/**
 * An account's per-model quota as Google reports it (Cloud Code Assist's `fetchAvailableModels`),
 * the model groups quota protection watches, and which groups an account is protected for.
 * Names and rules follow the reference system (Antigravity-Manager) so that both read the same
 * account file the same way; times in the model are Unix seconds.
 */

export interface ModelQuota {
  /** The model id Google names (e.g. `gemini-3-flash`, `claude-sonnet-4-5`). */
  readonly name: string;
  /** Remaining quota, 0–100: `floor(remainingFraction × 100)` as the reference stores it. */
  readonly percentage: number;
  /** When the quota comes back, as Google wrote it (RFC 3339); absent when unknown. */
  readonly resetTime?: string;
}

export interface AccountQuota {
  readonly models: readonly ModelQuota[];
  /** When it was fetched (Unix seconds); absent in a record that does not say. */
  readonly lastUpdated?: number;
  /** Google refused the quota call (403): the reference shows the account as forbidden. */
  readonly isForbidden: boolean;
  readonly subscriptionTier?: string;
}

/** Model names seen, each kept once: every account names the same dozen models. */
const MODEL_NAMES = new Map<string, string>();
/** Far more than Google lists; beyond it names are simply not shared. */
const MAX_SHARED_NAMES = 1024;

/**
 * One model's quota, its name shared with every other account's (a pool of 100,000 accounts
 * would otherwise hold a million copies of a dozen strings).
 */
export function modelQuota(name: string, percentage: number, resetTime?: string): ModelQuota {
  let shared = MODEL_NAMES.get(name);
  if (shared === undefined) {
    shared = name;
    if (MODEL_NAMES.size < MAX_SHARED_NAMES) MODEL_NAMES.set(name, name);
  }
  return resetTime === undefined ? { name: shared, percentage } : { name: shared, percentage, resetTime };
}

/** Every group quotaGroupOf names; the reference watches them all by default. */
export const QUOTA_GROUPS = [
  "claude",
  "gemini-3-pro-high",
  "gemini-3-flash",
  "gemini-3.1-flash-image",
] as const;
/** The groups the reference watches by default, and its default threshold. */
export const DEFAULT_PROTECTED_GROUPS = QUOTA_GROUPS;
export const REFERENCE_THRESHOLD_PERCENT = 10;

/** Quota protection as configured: off, or a threshold over some groups. */
export interface QuotaPolicy {
  /** An account whose remaining quota for a group is below this percentage is protected for it. */
  readonly thresholdPercent: number;
  readonly groups: readonly string[];
}

/** Model names whose group is remembered before the memory starts over (clients name models). */
const GROUP_MEMO_LIMIT = 1024;
const groupByModel = new Map<string, string | undefined>();

/**
 * The quota group a model belongs to, by the reference's normalisation: image models, then the
 * Claude family, then flash, then pro. Undefined for a model outside every group. Remembered per
 * name: every request, health check and quota reading asks it of the same dozen names.
 */
export function quotaGroupOf(model: string): string | undefined {
  const known = groupByModel.get(model);
  if (known !== undefined || groupByModel.has(model)) return known;
  if (groupByModel.size >= GROUP_MEMO_LIMIT) groupByModel.clear();
  const group = normalisedGroup(model.toLowerCase());
  groupByModel.set(model, group);
  return group;
}

function normalisedGroup(name: string): string | undefined {
  if (name.includes("image")) return "gemini-3.1-flash-image";
  if (/claude|opus|sonnet|haiku/.test(name)) return "claude";
  if (name.includes("flash")) return "gemini-3-flash";
  if (name.includes("pro")) return "gemini-3-pro-high";
  return undefined;
}

/** `remainingFraction` (0–1) as the percentage the reference stores; out-of-range values are clamped. */
export function percentageOf(remainingFraction: number): number {
  return Math.min(100, Math.max(0, Math.floor(remainingFraction * 100)));
}

/** A group's standing: the most quota left over its models, and the earliest reset among them. */
export interface GroupQuota {
  readonly percentage: number;
  /** Unix seconds; undefined when no model of the group says when it resets. */
  readonly resetAt?: number;
}

/** Each quota's standing per group, read once: quotas are never changed in place. */
const standingsOf = new WeakMap<AccountQuota, ReadonlyMap<string, GroupQuota>>();

/** The group's standing in `quota`; undefined when no model of the group is in it (counts as 100%). */
export function groupQuota(quota: AccountQuota, group: string): GroupQuota | undefined {
  let standings = standingsOf.get(quota);
  if (standings === undefined) {
    standings = groupStandings(quota);
    standingsOf.set(quota, standings);
  }
  return standings.get(group);
}

/** Every group's standing, in one pass over the models. */
function groupStandings(quota: AccountQuota): ReadonlyMap<string, GroupQuota> {
  const standings = new Map<string, GroupQuota>();
  for (const model of quota.models) {
    const group = quotaGroupOf(model.name);
    if (group === undefined) continue;
    const known = standings.get(group);
    const at = resetSeconds(model.resetTime);
    const resetAt =
      known?.resetAt === undefined ? at : at === undefined ? known.resetAt : Math.min(at, known.resetAt);
    const percentage = Math.max(known?.percentage ?? 0, model.percentage);
    standings.set(group, resetAt === undefined ? { percentage } : { percentage, resetAt });
  }
  return standings;
}

function resetSeconds(resetTime: string | undefined): number | undefined {
  if (resetTime === undefined) return undefined;
  const ms = Date.parse(resetTime);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** What quota protection needs to know of one account. */
export interface QuotaStanding {
  readonly quota?: AccountQuota;
  /** Groups the stored record lists as protected (the reference's `protected_models`). */
  readonly protectedModels?: readonly string[];
}

/**
 * The groups `account` is protected for at `nowSeconds`, each with when it comes back (Unix
 * seconds; +Infinity: when a fetch shows quota again). A group is protected while its quota is
 * below the threshold and its reset time has not passed: the groups of `policy` (when on), and
 * the groups the record itself lists — written by the reference or by grantpool — which are
 * honoured under the policy's threshold, or the reference's own when protection is off here.
 * A listed group without any quota data stays protected until a fetch tells.
 */
export function protectedGroups(
  account: QuotaStanding,
  policy: QuotaPolicy | undefined,
  nowSeconds: number,
): Map<string, number> {
  const out = new Map<string, number>();
  // Only names of a known group count: a record's list is input, and each group costs the pool a set.
  const listed = (account.protectedModels ?? []).flatMap((name) => quotaGroupOf(name) ?? []);
  if (listed.length === 0 && (policy === undefined || account.quota === undefined)) return out;
  const threshold = policy?.thresholdPercent ?? REFERENCE_THRESHOLD_PERCENT;
  const quota = account.quota;
  for (const group of new Set([...(policy?.groups ?? []), ...listed])) {
    if (quota === undefined) {
      if (listed.includes(group)) out.set(group, Number.POSITIVE_INFINITY);
      continue;
    }
    const standing = groupQuota(quota, group);
    if (standing === undefined || standing.percentage >= threshold) continue;
    if (standing.resetAt !== undefined && standing.resetAt <= nowSeconds) continue;
    out.set(group, standing.resetAt ?? Number.POSITIVE_INFINITY);
  }
  return out;
}

/** The groups of `policy` whose quota is below its threshold: what the record should list. */
export function groupsBelowThreshold(quota: AccountQuota, policy: QuotaPolicy): string[] {
  return policy.groups.filter((group) => {
    const standing = groupQuota(quota, group);
    return standing !== undefined && standing.percentage < policy.thresholdPercent;
  });
}

/** The lowest remaining percentage over the account's models (the printer column); undefined when none. */
export function lowestPercentage(quota: AccountQuota | undefined): number | undefined {
  if (quota === undefined || quota.models.length === 0) return undefined;
  return Math.min(...quota.models.map((model) => model.percentage));
}
