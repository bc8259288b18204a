/** Who may call the proxy, and how it reaches Google: client and admin keys, OAuth endpoints and client, upstream. */
import { httpUrl, list, oneOf, optional, text } from "./setting-kinds.ts";
import { PROXY, QUOTA_USERS, setting, TOKEN_USERS } from "./setting-row.ts";

export const ACCESS_SETTINGS = {
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
} as const;
