/** How the pool chooses and keeps accounts: strategy, sessions, token refresh, model map, quota. */
import { DEFAULT_PROTECTED_GROUPS } from "../accounts/quota.ts";
import {
  boolean,
  integer,
  modelMapEntries,
  nonNegativeSeconds,
  oneOf,
  optional,
  quotaGroups,
  text,
} from "./setting-kinds.ts";
import { PROXY, QUOTA_USERS, setting } from "./setting-row.ts";

export const POOL_SETTINGS = {
  strategy: setting("strategy", oneOf(["round-robin", "sticky", "fixed"]), {
    default: "round-robin",
    meaning: "how a request picks its account",
    flagFor: PROXY,
  }),
  fixedAccount: setting("fixed-account", optional(text("an account id or email", "ID")), {
    meaning: "preferred account (id or email) of the fixed strategy; required by it",
    flagFor: PROXY,
  }),
  stickyIdleSeconds: setting("sticky-idle", integer({ min: 1, unit: "seconds" }), {
    default: 3600,
    meaning: "seconds after which an idle sticky session forgets its account",
    flagFor: PROXY,
  }),
  refreshSkewSeconds: setting("refresh-skew", integer({ min: 0, unit: "seconds" }), {
    default: 300,
    meaning: "seconds before expiry at which a token is refreshed",
    flagFor: PROXY,
  }),
  modelMap: setting("model-map", modelMapEntries(), {
    default: [],
    meaning:
      "client model names mapped to upstream models, PATTERN=MODEL (* in PATTERN matches anything; MODEL * keeps the name); tried before the built-in map of Claude names",
    flagFor: PROXY,
  }),
  quotaRefreshIntervalSeconds: setting("quota-refresh-interval", nonNegativeSeconds(), {
    default: 600,
    meaning:
      "seconds between fetches of each account's per-model quota (code-assist profile; jittered, a few accounts at a time); 0 fetches only at start and on demand",
    flagFor: PROXY,
  }),
  quotaProtectionPercent: setting("quota-protection", integer({ min: 0, max: 99 }), {
    default: 0,
    meaning:
      "percent of quota left under which an account is skipped for requests to that model group (until its quota resets); 0 turns quota protection off",
    flagFor: QUOTA_USERS,
  }),
  quotaProtectionGroups: setting("quota-protection-groups", quotaGroups(), {
    default: [...DEFAULT_PROTECTED_GROUPS],
    meaning: "the model groups quota protection watches",
    flagFor: QUOTA_USERS,
  }),
  quotaPreference: setting("quota-preference", boolean(), {
    default: false,
    meaning:
      "choose among the accounts with the most quota left for the request's model group (tiers of 10%), then apply the strategy; sticky sessions stay on their account",
    flagFor: PROXY,
  }),
} as const;
