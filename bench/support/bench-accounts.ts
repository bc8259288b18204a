/** Accounts whose tokens outlive any benchmark, and an OAuth client that must never be called. */
import type { Account } from "../../src/accounts/account.ts";
import type { GoogleOAuthClient } from "../../src/oauth/google-oauth-client.ts";

const farFuture = Math.floor(Date.now() / 1000) + 365 * 24 * 3600;

export function liveAccounts(count: number): Account[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `id-${String(i).padStart(3, "0")}`,
    email: `user${i}@example.com`,
    token: { accessToken: `access-${i}`, refreshToken: `refresh-${i}`, expiryTimestamp: farFuture },
    disabled: false,
    proxyDisabled: false,
    createdAt: 0,
  }));
}

/** Tokens never expire in the benchmarks, so a call here is a bug in the benchmark. */
export const UNUSED_OAUTH: GoogleOAuthClient = {
  refresh: () => Promise.reject(new Error("no refresh expected")),
  userinfo: () => Promise.reject(new Error("no userinfo expected")),
  exchangeCode: () => Promise.reject(new Error("no exchange expected")),
  authorizationUrl: () => "",
};
