/** Accounts whose tokens outlive any benchmark, and an OAuth client that must never be called. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Account } from "../../src/accounts/account.ts";
import type { GoogleOAuthClient } from "../../src/oauth/google-oauth-client.ts";
import { encodeAccountFile } from "../../src/stores/file/account-file-encoder.ts";

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

/** Writes `liveAccounts(count)` as the file store keeps them: `dataDir/accounts/<id>.json`. */
export function writeAccountFiles(dataDir: string, count: number): void {
  const accountsDir = join(dataDir, "accounts");
  mkdirSync(accountsDir, { recursive: true });
  for (const account of liveAccounts(count))
    writeFileSync(join(accountsDir, `${account.id}.json`), encodeAccountFile(account));
}

/** Tokens never expire in the benchmarks, so a call here is a bug in the benchmark. */
export const UNUSED_OAUTH: GoogleOAuthClient = {
  refresh: () => Promise.reject(new Error("no refresh expected")),
  userinfo: () => Promise.reject(new Error("no userinfo expected")),
  exchangeCode: () => Promise.reject(new Error("no exchange expected")),
  authorizationUrl: () => "",
};
