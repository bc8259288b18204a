/**
 * The JSON Schemas of the admin API's bodies, for its OpenAPI document. They mirror the valibot
 * schemas in admin-bodies.ts and the views in admin-account-view.ts; the admin tests check replies
 * against the required members listed here.
 */

import { ACCOUNT_STATES } from "../../pool/pool-entry.ts";
import type { JsonSchema } from "./openapi-document.ts";

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const time = (description: string): JsonSchema => ({ type: "string", format: "date-time", description });
const text = (description: string): JsonSchema => ({ type: "string", description });

const BLOCK_REASONS = ["transient", "rate_limited", "validation_required", "forbidden", "upstream_error"];

const Quota: JsonSchema = {
  type: "object",
  description: "The per-model quota Google last reported (Cloud Code Assist)",
  required: ["models", "isForbidden"],
  properties: {
    models: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "percentage"],
        properties: {
          name: text("The model, e.g. `claude-sonnet-4-5`"),
          percentage: { type: "number", description: "Quota left, percent (0–100)" },
          resetTime: text("When its quota comes back (RFC 3339, as Google wrote it)"),
        },
      },
    },
    lastUpdated: time("When it was fetched"),
    isForbidden: { type: "boolean", description: "Google refused the quota call (403)" },
    subscriptionTier: text("The account's Code Assist tier, when known"),
    lowestPercentage: { type: "number", description: "The lowest percentage over the models" },
  },
};

const QuotaProtection: JsonSchema = {
  type: "object",
  required: ["group"],
  properties: {
    group: text("The quota group the account is skipped for, e.g. `claude`"),
    until: time("When its quota resets; absent: until a fetch shows quota again"),
  },
};

const Cooldown: JsonSchema = {
  type: "object",
  required: ["until", "reason"],
  properties: {
    until: time("When the cooldown ends"),
    reason: { type: "string", enum: BLOCK_REASONS },
    detail: text("Google's message, or the URL where a person must verify the account"),
  },
};

const ModelCooldown: JsonSchema = {
  type: "object",
  required: ["model", "until", "reason"],
  properties: {
    model: text("The model whose quota is exhausted"),
    until: time("When the cooldown ends"),
    reason: { type: "string", enum: BLOCK_REASONS },
    detail: text("Google's message"),
  },
};

const Account: JsonSchema = {
  type: "object",
  description: "An account as stored, with the pool's temporary health. Never carries a token.",
  required: [
    "id",
    "email",
    "state",
    "disabled",
    "proxyDisabled",
    "modelCooldowns",
    "quotaProtections",
    "inPool",
  ],
  properties: {
    id: text("Opaque account id (the file name in the file store)"),
    email: { type: "string", format: "email" },
    name: text("Display name from Google's userinfo"),
    state: { type: "string", enum: ACCOUNT_STATES },
    disabled: {
      type: "boolean",
      description: "Credentials are dead (invalid_grant); a new token recovers it",
    },
    disabledAt: time("When it was disabled"),
    disabledReason: text("Why it was disabled, e.g. `invalid_grant: Token has been expired or revoked.`"),
    proxyDisabled: {
      type: "boolean",
      description: "Taken out of the proxy by a person or by protection logic",
    },
    proxyDisabledAt: time("When it was taken out of the proxy"),
    proxyDisabledReason: text("`manual`, the reason given, or `forbidden: …`"),
    cooldown: { ...ref("Cooldown"), description: "The account-wide cooldown or validation block in force" },
    modelCooldowns: { type: "array", items: ref("ModelCooldown") },
    quota: ref("Quota"),
    quotaProtections: { type: "array", items: ref("QuotaProtection") },
    accessTokenExpiresAt: time("When the current access token expires; absent before the first refresh"),
    projectId: text("Google Cloud project used with this account"),
    createdAt: time("When the account was first stored"),
    lastUsed: time("When the account was last used"),
    inPool: { type: "boolean", description: "False while the pool has not loaded the stored account yet" },
  },
};

const PoolSummary: JsonSchema = {
  type: "object",
  required: ["total", "active", "disabled", "proxyDisabled", "coolingDown", "explanation"],
  properties: {
    total: { type: "integer" },
    active: { type: "integer" },
    disabled: { type: "integer" },
    proxyDisabled: { type: "integer" },
    coolingDown: { type: "integer" },
    earliestRetryAt: time("Earliest end of a cooldown among cooling accounts"),
    explanation: text("`1 of 3 accounts available: 1 disabled, 1 cooling down, 0 proxy-disabled`"),
  },
};

const PoolMember: JsonSchema = {
  type: "object",
  required: ["id", "email", "state", "modelCooldowns", "quotaProtections"],
  properties: {
    id: { type: "string" },
    email: { type: "string", format: "email" },
    state: { type: "string", enum: ACCOUNT_STATES },
    reason: text("Why the account cannot serve: its disabled or proxy-disabled reason, or the cooldown's"),
    since: time("When it was disabled or proxy-disabled"),
    until: time("When its cooldown ends"),
    detail: text("The cooldown's detail, such as the validation URL"),
    modelCooldowns: { type: "array", items: ref("ModelCooldown") },
    quotaProtections: { type: "array", items: ref("QuotaProtection") },
  },
};

export const ADMIN_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  Error: {
    type: "object",
    required: ["error"],
    properties: {
      error: {
        type: "object",
        required: ["code", "status", "message"],
        properties: {
          code: { type: "integer", description: "The HTTP status" },
          status: { type: "string", description: "Google's canonical status, e.g. `NOT_FOUND`" },
          message: text("What went wrong; never contains a token or key"),
        },
      },
    },
  },
  AddAccountRequest: {
    type: "object",
    required: ["refresh_token"],
    additionalProperties: false,
    properties: {
      refresh_token: { type: "string", minLength: 1, maxLength: 4096, description: "A Google refresh token" },
    },
  },
  DisableAccountRequest: {
    type: "object",
    additionalProperties: false,
    properties: {
      reason: {
        type: "string",
        minLength: 1,
        maxLength: 800,
        description: "Recorded as proxy_disabled_reason",
      },
    },
  },
  EnableAccountRequest: { type: "object", additionalProperties: false, properties: {} },
  Cooldown,
  ModelCooldown,
  Quota,
  QuotaProtection,
  Account,
  AccountList: {
    type: "object",
    required: ["accounts"],
    properties: { accounts: { type: "array", items: ref("Account") } },
  },
  EnrollReply: {
    type: "object",
    required: ["outcome", "account", "message"],
    properties: {
      outcome: { type: "string", enum: ["created", "updated", "recovered"] },
      account: ref("Account"),
      message: text("`Recovered a@example.com (id …)`"),
    },
  },
  StateChangeReply: {
    type: "object",
    required: ["account", "changed", "message"],
    properties: {
      account: ref("Account"),
      changed: { type: "boolean", description: "False when the account already was in that state" },
      message: text("`Proxy-disabled a@example.com (id …)`"),
    },
  },
  QuotaReply: { type: "object", required: ["account"], properties: { account: ref("Account") } },
  PoolSummary,
  PoolMember,
  ModelMapEntry: {
    type: "object",
    required: ["pattern", "target", "source"],
    properties: {
      pattern: text("A client model name; * matches any run of characters"),
      target: text("The upstream model, or * for the client's own name"),
      source: { type: "string", enum: ["setting", "built-in"] },
    },
  },
  PoolReply: {
    type: "object",
    required: ["summary", "accounts", "modelMap"],
    properties: {
      summary: ref("PoolSummary"),
      accounts: { type: "array", items: ref("PoolMember") },
      modelMap: {
        type: "array",
        items: ref("ModelMapEntry"),
        description: "How client model names become upstream models, in the order entries are tried",
      },
    },
  },
  ReloadReply: { type: "object", required: ["summary"], properties: { summary: ref("PoolSummary") } },
};
