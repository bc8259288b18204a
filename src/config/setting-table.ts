/**
 * The one table of settings. Each row gives a setting's name (the flag --name, the config-file
 * key name: and the variable GRANTPOOL_NAME), its kind (schema and expectation), default,
 * meaning, and the commands that accept it as a flag. The Settings type is derived from it, so
 * adding a setting is adding a row.
 */
import type * as v from "valibot";
import { DEFAULT_PROTECTED_GROUPS } from "../accounts/quota.ts";
import { ACCOUNTS_COMMANDS, CONFIGURED_COMMANDS, type Command } from "./commands.ts";
import {
  boolean,
  dnsLabel,
  httpUrl,
  integer,
  list,
  modelMapEntries,
  nonNegativeSeconds,
  oneOf,
  optional,
  path,
  positiveSeconds,
  quotaGroups,
  type SettingKind,
  text,
} from "./setting-kinds.ts";

export interface DefaultContext {
  readonly homeDir: string;
  readonly stdoutIsTTY: boolean;
}

export type DefaultValue = string | number | boolean | readonly string[];

export interface SettingMeta {
  readonly default?: DefaultValue | ((context: DefaultContext) => DefaultValue);
  /** How the default reads in docs, when it is computed. */
  readonly defaultText?: string;
  readonly meaning: string;
  /** The commands that accept the setting as a flag; every command reads it from env and file. */
  readonly flagFor: readonly Command[];
  /** Never echoed in messages. */
  readonly secret?: boolean;
  /** False for the one setting that cannot come from the config file: the file's own path. */
  readonly inFile?: boolean;
}

export interface SettingRow<S extends v.GenericSchema = v.GenericSchema> extends SettingMeta {
  readonly name: string;
  readonly kind: SettingKind<S>;
}

function setting<S extends v.GenericSchema>(
  name: string,
  kind: SettingKind<S>,
  meta: SettingMeta,
): SettingRow<S> {
  return { name, kind, ...meta };
}

const PROXY: readonly Command[] = ["proxy"];
const KUBERNETES: readonly Command[] = ["proxy", "operator"];
const TOKEN_USERS: readonly Command[] = [
  "proxy",
  "operator",
  "accounts add",
  "accounts login",
  "accounts quota",
];
/** Settings the quota fetch of `accounts quota` reads as the proxy does. */
const QUOTA_USERS: readonly Command[] = ["proxy", "accounts quota"];

export const SETTING_TABLE = {
  port: setting("port", integer({ min: 0, max: 65535 }), {
    default: 8045,
    meaning: "port the proxy listens on; 0 picks any free port",
    flagFor: PROXY,
  }),
  host: setting("host", text("a host name or IP address", "HOST"), {
    default: "127.0.0.1",
    meaning: "address the proxy listens on",
    flagFor: PROXY,
  }),
  dataDir: setting("data-dir", path(), {
    default: "~/.grantpool",
    meaning: "file store root (accounts in accounts/); a leading ~ is the home directory",
    flagFor: ["proxy", ...ACCOUNTS_COMMANDS],
  }),
  store: setting("store", oneOf(["file", "kubernetes"]), {
    default: "file",
    meaning: "where accounts live: files under the data directory, or Account resources",
    flagFor: PROXY,
  }),
  namespace: setting("namespace", optional(dnsLabel()), {
    meaning: "Kubernetes namespace to watch, or to put in the manifest (default: the current one)",
    flagFor: [...KUBERNETES, "accounts manifest"],
  }),
  allNamespaces: setting("all-namespaces", boolean(), {
    default: false,
    meaning: "watch Accounts in every namespace",
    flagFor: KUBERNETES,
  }),
  leaderElect: setting("leader-elect", boolean(), {
    default: false,
    meaning: "run only while holding the operator's Lease, so that one replica reconciles",
    flagFor: ["operator"],
  }),
  configFile: setting("config", optional(path()), {
    meaning: "YAML or JSON file of settings keyed by flag name (port: 8045)",
    flagFor: CONFIGURED_COMMANDS,
    inFile: false,
  }),
  metrics: setting("metrics", boolean(), {
    default: true,
    meaning: "serve Prometheus metrics on GET /metrics (--metrics=false turns it off)",
    flagFor: ["proxy", "operator"],
  }),
  metricsPort: setting("metrics-port", integer({ min: 0, max: 65535 }), {
    default: 9090,
    meaning: "port of the operator's /metrics, /healthz and /readyz",
    flagFor: ["operator"],
  }),
  leaseDurationSeconds: setting("lease-duration", positiveSeconds(), {
    default: 15,
    meaning: "seconds a follower waits after the leader's last renewal before taking the Lease over",
    flagFor: ["operator"],
  }),
  renewDeadlineSeconds: setting("renew-deadline", positiveSeconds(), {
    default: 10,
    meaning: "seconds the leader keeps trying to renew its Lease before it stops working",
    flagFor: ["operator"],
  }),
  retryPeriodSeconds: setting("retry-period", positiveSeconds(), {
    default: 2,
    meaning: "seconds between attempts to acquire or renew the Lease",
    flagFor: ["operator"],
  }),
  apiKeys: setting("api-keys", list(), {
    default: [],
    meaning: "comma-separated client keys",
    flagFor: PROXY,
    secret: true,
  }),
  authMode: setting("auth-mode", oneOf(["off", "strict", "all_except_health", "auto"]), {
    default: "auto",
    meaning:
      "which routes need a client key; auto means all_except_health when bound to a non-loopback address, else off",
    flagFor: PROXY,
  }),
  adminKey: setting("admin-key", optional(text()), {
    meaning: "key for /admin/*; admin routes are refused when unset",
    flagFor: PROXY,
    secret: true,
  }),
  oauthTokenUrl: setting("oauth-token-url", httpUrl(), {
    default: "https://oauth2.googleapis.com/token",
    meaning: "token endpoint",
    flagFor: TOKEN_USERS,
  }),
  oauthUserinfoUrl: setting("oauth-userinfo-url", httpUrl(), {
    default: "https://www.googleapis.com/oauth2/v2/userinfo",
    meaning: "userinfo endpoint",
    flagFor: TOKEN_USERS,
  }),
  oauthAuthUrl: setting("oauth-auth-url", httpUrl(), {
    default: "https://accounts.google.com/o/oauth2/v2/auth",
    meaning: "consent page",
    flagFor: ["accounts login"],
  }),
  oauthClientId: setting("oauth-client-id", optional(text()), {
    meaning: "OAuth client id",
    flagFor: TOKEN_USERS,
  }),
  oauthClientSecret: setting("oauth-client-secret", optional(text()), {
    meaning: "OAuth client secret",
    flagFor: TOKEN_USERS,
    secret: true,
  }),
  upstreamUrl: setting("upstream-url", httpUrl(), {
    default: "https://generativelanguage.googleapis.com",
    meaning: "upstream base URL",
    flagFor: QUOTA_USERS,
  }),
  upstreamProfile: setting("upstream-profile", oneOf(["gemini", "code-assist"]), {
    default: "gemini",
    meaning: "upstream API: the Gemini API (gemini) or Cloud Code Assist (code-assist)",
    flagFor: QUOTA_USERS,
  }),
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
  maxAttempts: setting("max-attempts", integer({ min: 1 }), {
    default: 3,
    meaning: "accounts tried per request",
    flagFor: PROXY,
  }),
  maxBodyBytes: setting("max-body-bytes", integer({ min: 1 }), {
    default: 104857600,
    meaning: "request body limit; larger bodies get 413",
    flagFor: PROXY,
  }),
  bodyTimeoutSeconds: setting("body-timeout", positiveSeconds(), {
    default: 60,
    meaning: "seconds a client may take to send a whole request body; slower ones get 408",
    flagFor: PROXY,
  }),
  shutdownDelaySeconds: setting("shutdown-delay", nonNegativeSeconds(), {
    default: 0,
    meaning:
      "seconds the proxy still serves after SIGTERM (unready, closing each connection) before it stops listening",
    flagFor: PROXY,
  }),
  refreshTimeoutSeconds: setting("refresh-timeout", positiveSeconds(), {
    default: 10,
    meaning: "seconds a token refresh may take",
    flagFor: TOKEN_USERS,
  }),
  logLevel: setting("log-level", oneOf(["debug", "info", "warn", "error"]), {
    default: "info",
    meaning: "lowest level that is logged",
    flagFor: CONFIGURED_COMMANDS,
  }),
  logFormat: setting("log-format", oneOf(["json", "text"]), {
    default: ({ stdoutIsTTY }) => (stdoutIsTTY ? "text" : "json"),
    defaultText: "json when not a TTY, else text",
    meaning: "log lines as JSON objects or as text",
    flagFor: CONFIGURED_COMMANDS,
  }),
  json: setting("json", boolean(), {
    default: false,
    meaning: "print the account list (or the quota fetched) as JSON",
    flagFor: ["accounts list", "accounts quota"],
  }),
  refreshToken: setting("refresh-token", optional(text()), {
    meaning: "refresh token to add (else --refresh-token-file, else one per line on stdin)",
    flagFor: ["accounts add"],
    secret: true,
  }),
  refreshTokenFile: setting("refresh-token-file", optional(path()), {
    meaning: "file holding refresh tokens, one per line",
    flagFor: ["accounts add", "accounts manifest"],
  }),
  name: setting("name", optional(dnsLabel()), {
    meaning: "name of the Account (and its Secret) that accounts manifest prints",
    flagFor: ["accounts manifest"],
  }),
  noBrowser: setting("no-browser", boolean(), {
    default: false,
    meaning: "only print the sign-in URL instead of opening a browser",
    flagFor: ["accounts login"],
  }),
} as const;

export type SettingKey = keyof typeof SETTING_TABLE;

export const SETTING_KEYS = Object.keys(SETTING_TABLE) as SettingKey[];

type SettingEntries = { readonly [K in SettingKey]: (typeof SETTING_TABLE)[K]["kind"]["schema"] };

/** The validated settings, camelCase keys; optional settings are absent when unset. */
export type Settings = Readonly<v.InferOutput<v.ObjectSchema<SettingEntries, undefined>>>;

/** GRANTPOOL_ and the name in upper snake case: data-dir → GRANTPOOL_DATA_DIR. */
export function envName(row: SettingRow): string {
  return `GRANTPOOL_${row.name.toUpperCase().replaceAll("-", "_")}`;
}

export function findSettingKey(name: string): SettingKey | undefined {
  return SETTING_KEYS.find((key) => SETTING_TABLE[key].name === name);
}
