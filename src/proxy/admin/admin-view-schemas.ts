/**
 * What the admin API answers, as valibot schemas: the types of the views (admin-account-view.ts
 * builds them) and, through `@valibot/to-json-schema`, the reply schemas of the OpenAPI document.
 * Each shape and each description is written here once.
 */
import * as v from "valibot";
import type { BlockReason } from "../../pool/account-health.ts";
import { ACCOUNT_STATES } from "../../pool/pool-entry.ts";

const text = (description: string) => v.pipe(v.string(), v.description(description));
const time = (description: string) => v.pipe(v.string(), v.isoTimestamp(), v.description(description));
const integer = () => v.pipe(v.number(), v.integer());
const flag = (description: string) => v.pipe(v.boolean(), v.description(description));
const email = () => v.pipe(v.string(), v.email());

/** Every reason a block can have: a Record, so that the type check fails when BlockReason grows. */
const BLOCK_REASONS = Object.keys({
  transient: true,
  rate_limited: true,
  validation_required: true,
  forbidden: true,
  upstream_error: true,
  quota_protection: true,
} satisfies Record<BlockReason, true>) as BlockReason[];

const AccountStateSchema = v.picklist(ACCOUNT_STATES);

export const Cooldown = v.object({
  until: time("When the cooldown ends"),
  reason: v.picklist(BLOCK_REASONS),
  detail: v.optional(text("Google's message, or the URL where a person must verify the account")),
});
export type AdminCooldown = v.InferOutput<typeof Cooldown>;

export const ModelCooldown = v.object({
  model: text("The model whose quota is exhausted"),
  ...Cooldown.entries,
});
export type AdminModelCooldown = v.InferOutput<typeof ModelCooldown>;

const QuotaModel = v.object({
  name: text("The model, e.g. `claude-sonnet-4-5`"),
  percentage: v.pipe(v.number(), v.description("Quota left, percent (0–100)")),
  resetTime: v.optional(text("When its quota comes back (RFC 3339, as Google wrote it)")),
});
export type AdminQuotaModel = v.InferOutput<typeof QuotaModel>;

export const Quota = v.pipe(
  v.object({
    models: v.array(QuotaModel),
    lastUpdated: v.optional(time("When it was fetched")),
    isForbidden: flag("Google refused the quota call (403)"),
    subscriptionTier: v.optional(text("The account's Code Assist tier, when known")),
    lowestPercentage: v.optional(
      v.pipe(v.number(), v.description("The lowest percentage over the models (what `kubectl get` shows)")),
    ),
  }),
  v.description("The per-model quota Google last reported (Cloud Code Assist)"),
);
export type AdminQuota = v.InferOutput<typeof Quota>;

export const QuotaProtection = v.object({
  group: text("The quota group the account is skipped for, e.g. `claude`"),
  until: v.optional(time("When its quota resets; absent: until a fetch shows quota again")),
});
export type AdminQuotaProtection = v.InferOutput<typeof QuotaProtection>;

export const Account = v.pipe(
  v.object({
    id: text("Opaque account id (the file name in the file store)"),
    email: email(),
    name: v.optional(text("Display name from Google's userinfo")),
    state: AccountStateSchema,
    disabled: flag("Credentials are dead (invalid_grant); a new token recovers it"),
    disabledAt: v.optional(time("When it was disabled")),
    disabledReason: v.optional(
      text("Why it was disabled, e.g. `invalid_grant: Token has been expired or revoked.`"),
    ),
    proxyDisabled: flag("Taken out of the proxy by a person or by protection logic"),
    proxyDisabledAt: v.optional(time("When it was taken out of the proxy")),
    proxyDisabledReason: v.optional(text("`manual`, the reason given, or `forbidden: …`")),
    cooldown: v.optional(Cooldown),
    modelCooldowns: v.array(ModelCooldown),
    quota: v.optional(Quota),
    quotaProtections: v.array(QuotaProtection),
    accessTokenExpiresAt: v.optional(
      time("When the current access token expires; absent before the first refresh"),
    ),
    projectId: v.optional(text("Google Cloud project used with this account")),
    createdAt: v.optional(time("When the account was first stored")),
    lastUsed: v.optional(time("When the account was last used")),
    inPool: flag("False while the pool has not loaded the stored account yet"),
  }),
  v.description("An account as stored, with the pool's temporary health. Never carries a token."),
);
export type AdminAccount = v.InferOutput<typeof Account>;

export const PoolSummary = v.object({
  total: integer(),
  active: integer(),
  disabled: integer(),
  proxyDisabled: integer(),
  coolingDown: integer(),
  earliestRetryAt: v.optional(time("Earliest end of a cooldown among cooling accounts")),
  explanation: text("`1 of 3 accounts available: 1 disabled, 1 cooling down, 0 proxy-disabled`"),
});
export type AdminPoolSummary = v.InferOutput<typeof PoolSummary>;

export const PoolMember = v.object({
  id: v.string(),
  email: email(),
  state: AccountStateSchema,
  reason: v.optional(
    text("Why the account cannot serve: its disabled or proxy-disabled reason, or the cooldown's"),
  ),
  since: v.optional(time("When it was disabled or proxy-disabled")),
  until: v.optional(time("When its cooldown ends")),
  detail: v.optional(text("The cooldown's detail, such as the validation URL")),
  modelCooldowns: v.array(ModelCooldown),
  quotaProtections: v.array(QuotaProtection),
});
export type PoolMemberStatus = v.InferOutput<typeof PoolMember>;

export const ErrorReply = v.object({
  error: v.object({
    code: v.pipe(integer(), v.description("The HTTP status")),
    status: text("Google's canonical status, e.g. `NOT_FOUND`"),
    message: text("What went wrong; never contains a token or key"),
  }),
});

export const AccountList = v.object({ accounts: v.array(Account) });

export const EnrollReply = v.object({
  outcome: v.picklist(["created", "updated", "recovered"]),
  account: Account,
  message: text("`Recovered a@example.com (id …)`"),
});

export const StateChangeReply = v.object({
  account: Account,
  changed: flag("False when the account already was in that state"),
  message: text("`Proxy-disabled a@example.com (id …)`"),
});

export const QuotaReply = v.object({ account: Account });

export const ModelMapEntry = v.object({
  pattern: text("A client model name; * matches any run of characters"),
  target: text("The upstream model, or * for the client's own name"),
  source: v.picklist(["setting", "built-in"]),
});

export const PoolReply = v.object({
  summary: PoolSummary,
  accounts: v.array(PoolMember),
  modelMap: v.pipe(
    v.array(ModelMapEntry),
    v.description("How client model names become upstream models, in the order entries are tried"),
  ),
});

export const ReloadReply = v.object({ summary: PoolSummary });
