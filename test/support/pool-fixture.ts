/**
 * A pool wired to the Google emulator, a store, a fake clock and a captured log — the setup most
 * pool tests share. Accounts start with no access token, so their first use refreshes.
 */
import type { Account } from "../../src/accounts/account.ts";
import type { QuotaPolicy } from "../../src/accounts/quota.ts";
import {
  createGoogleOAuthClient,
  type FetchLike,
  type GoogleOAuthClient,
} from "../../src/oauth/google-oauth-client.ts";
import { AccountPool } from "../../src/pool/account-pool.ts";
import type { PoolObserver } from "../../src/pool/pool-observer.ts";
import { createRoundRobinStrategy } from "../../src/pool/strategies/round-robin.ts";
import type { SelectionStrategy } from "../../src/pool/strategies/selection-strategy.ts";
import type { AccountStore } from "../../src/stores/account-store.ts";
import { MemoryAccountStore } from "../../src/stores/memory-account-store.ts";
import { createAccountTelemetry } from "../../src/telemetry/account-telemetry.ts";
import type { Telemetry } from "../../src/telemetry/telemetry.ts";
import { type CapturedLog, captureLog } from "./captured-log.ts";
import { FakeClock } from "./fake-clock.ts";
import { type GoogleEmulator, startGoogleEmulator } from "./google-emulator.ts";
import { rememberSecret } from "./secret-scan.ts";

export interface PoolFixture extends AsyncDisposable {
  readonly google: GoogleEmulator;
  readonly clock: FakeClock;
  readonly log: CapturedLog;
  readonly store: AccountStore;
  readonly pool: AccountPool;
  /** The OAuth client the pool uses, pointed at the emulator. */
  readonly oauth: GoogleOAuthClient;
  /** Every refresh token handed out, for scanning logs for secrets. */
  readonly secrets: string[];
  account(email: string): Account;
}

export interface PoolFixtureOptions {
  readonly emails: readonly string[];
  readonly strategy?: SelectionStrategy;
  readonly store?: (accounts: Account[]) => AccountStore;
  readonly fetch?: FetchLike;
  readonly observer?: PoolObserver;
  /** Records the pool's events and refresh spans (the observer is then derived from it). */
  readonly telemetry?: Telemetry;
  readonly quotaPolicy?: QuotaPolicy;
  readonly quotaPreference?: boolean;
}

export function accountFor(email: string, refreshToken: string, id = `id-${email.split("@")[0]}`): Account {
  return {
    id,
    email,
    token: { accessToken: "", refreshToken, expiryTimestamp: 0 },
    disabled: false,
    proxyDisabled: false,
    createdAt: 1_700_000_000,
  };
}

export async function startPoolFixture(options: PoolFixtureOptions): Promise<PoolFixture> {
  const google = await startGoogleEmulator();
  rememberSecret(google.clientSecret);
  const clock = new FakeClock();
  const log = captureLog(clock);
  const secrets: string[] = [];
  const accounts = options.emails.map((email) => {
    const token = google.addIdentity({ email });
    secrets.push(token);
    return accountFor(email, token);
  });
  const store = options.store?.(accounts) ?? new MemoryAccountStore({ accounts, clock });
  const oauth = createGoogleOAuthClient({
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    clock,
    tokenUrl: google.tokenUrl,
    userinfoUrl: google.userinfoUrl,
    authUrl: google.authUrl,
    clientId: google.clientId,
    clientSecret: google.clientSecret,
    timeoutMs: 5_000,
  });
  const pool = new AccountPool({
    store,
    oauth,
    clock,
    log: log.logger,
    strategy: options.strategy ?? createRoundRobinStrategy(),
    refreshSkewSeconds: 300,
    ...(options.quotaPolicy === undefined ? {} : { quotaPolicy: options.quotaPolicy }),
    ...(options.quotaPreference === undefined ? {} : { quotaPreference: options.quotaPreference }),
    ...(options.observer === undefined ? {} : { observer: options.observer }),
    ...(options.telemetry === undefined
      ? {}
      : { observer: createAccountTelemetry(options.telemetry), tracer: options.telemetry.tracer }),
  });
  await pool.start();
  return {
    google,
    clock,
    log,
    store,
    pool,
    oauth,
    secrets,
    account: (email) => {
      const found = accounts.find((a) => a.email === email);
      if (found === undefined) throw new Error(`no fixture account ${email}`);
      return found;
    },
    async [Symbol.asyncDispose]() {
      pool.stop();
      await store.close();
      await google.close();
    },
  };
}

/** Fails when any captured log line contains one of the secrets. */
export function findSecretsIn(lines: readonly string[], secrets: readonly string[]): string[] {
  return lines.filter((line) => secrets.some((secret) => secret.length > 0 && line.includes(secret)));
}
