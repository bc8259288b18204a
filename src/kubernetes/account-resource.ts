/**
 * The `Account` custom resource (group grantpool.io, v1alpha1) and the Secret holding its token,
 * as valibot schemas: every object read from the API server is parsed here. Kept in agreement
 * with crds/accounts.grantpool.io.yaml by test/unit/kubernetes/crd-agreement.test.ts.
 */
import * as v from "valibot";

export const ACCOUNT_GROUP = "grantpool.io";
export const ACCOUNT_VERSION = "v1alpha1";
export const ACCOUNT_API_VERSION = `${ACCOUNT_GROUP}/${ACCOUNT_VERSION}`;
export const ACCOUNT_KIND = "Account";
export const ACCOUNT_PLURAL = "accounts";
export const DEFAULT_SECRET_KEY = "refresh_token";

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const CONDITION_TYPE =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;
const CONDITION_REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

export const SecretRef = v.object({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(253), v.regex(DNS_SUBDOMAIN)),
  key: v.optional(
    v.pipe(v.string(), v.minLength(1), v.maxLength(253), v.regex(SECRET_KEY)),
    DEFAULT_SECRET_KEY,
  ),
});

export const AccountSpec = v.object({
  secretRef: SecretRef,
  email: v.optional(v.pipe(v.string(), v.maxLength(320), v.regex(EMAIL))),
  proxyDisabled: v.optional(v.boolean(), false),
});

export const ConditionStatus = v.picklist(["True", "False", "Unknown"]);

export const Condition = v.object({
  type: v.pipe(v.string(), v.maxLength(316), v.regex(CONDITION_TYPE)),
  status: ConditionStatus,
  observedGeneration: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  lastTransitionTime: v.string(),
  reason: v.pipe(v.string(), v.minLength(1), v.maxLength(1024), v.regex(CONDITION_REASON)),
  message: v.pipe(v.string(), v.maxLength(32768)),
});

const Percent = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100));

export const QuotaStatus = v.object({
  models: v.optional(
    v.pipe(
      v.array(
        v.object({
          name: v.pipe(v.string(), v.maxLength(200)),
          remainingPercent: Percent,
          resetTime: v.optional(v.pipe(v.string(), v.maxLength(64))),
        }),
      ),
      v.maxLength(1000),
    ),
  ),
  lowestRemainingPercent: v.optional(Percent),
  lastUpdated: v.optional(v.string()),
  forbidden: v.optional(v.boolean()),
  subscriptionTier: v.optional(v.pipe(v.string(), v.maxLength(200))),
});

export const AccountStatus = v.object({
  disabled: v.optional(v.boolean()),
  disabledAt: v.optional(v.string()),
  disabledReason: v.optional(v.pipe(v.string(), v.maxLength(800))),
  disabledTokenHash: v.optional(v.pipe(v.string(), v.maxLength(64))),
  email: v.optional(v.string()),
  quota: v.optional(QuotaStatus),
  observedGeneration: v.optional(v.pipe(v.number(), v.integer())),
  conditions: v.optional(v.array(Condition)),
});

export const ObjectMeta = v.looseObject({
  name: v.string(),
  namespace: v.optional(v.string()),
  uid: v.optional(v.string()),
  resourceVersion: v.optional(v.string()),
  generation: v.optional(v.number()),
  creationTimestamp: v.optional(v.unknown()),
});

export const AccountResource = v.object({
  apiVersion: v.optional(v.string()),
  kind: v.optional(v.string()),
  metadata: ObjectMeta,
  spec: AccountSpec,
  status: v.optional(AccountStatus),
});

export type AccountSpec = v.InferOutput<typeof AccountSpec>;
export type AccountStatus = v.InferOutput<typeof AccountStatus>;
export type Condition = v.InferOutput<typeof Condition>;
export type QuotaStatus = v.InferOutput<typeof QuotaStatus>;
export type AccountResource = v.InferOutput<typeof AccountResource>;

export const SecretResource = v.object({
  metadata: ObjectMeta,
  data: v.optional(v.record(v.string(), v.string())),
  type: v.optional(v.string()),
});
export type SecretResource = v.InferOutput<typeof SecretResource>;
