/**
 * `grantpool accounts quota [ID] [--json]`: fetches the per-model quota of one account (id or
 * email) or of every account that is not disabled, stores it with the account (applying quota
 * protection as the proxy would) and prints it. Exit 1 when any fetch failed; exit 2 when the
 * upstream profile has no quota endpoint (the Gemini API).
 */
import { findAccount } from "../account-operations/find-account.ts";
import type { Account } from "../accounts/account.ts";
import type { Settings } from "../config/setting-table.ts";
import type { GoogleOAuthClient } from "../oauth/google-oauth-client.ts";
import { mapLimited } from "../platform/map-limited.ts";
import { createUpstreamProfile } from "../proxy/upstream/create-upstream-profile.ts";
import { NO_QUOTA_SOURCE } from "../proxy/upstream/upstream-profile.ts";
import { err, ok, type Result } from "../result.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { publicAccount, table } from "./accounts-list.ts";
import { type CliContext, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./cli-context.ts";
import { createPool, createQuotaRefresher } from "./wiring.ts";

/** Quota calls in flight at once, as in the proxy's sweeps. */
const CONCURRENCY = 4;

interface Fetched {
  readonly account: Account;
  readonly result: Result<Account, string>;
}

export async function accountsQuota(
  ctx: CliContext,
  deps: { settings: Settings; store: AccountStore; oauth: GoogleOAuthClient },
  idOrEmail: string | undefined,
): Promise<number> {
  const { settings, store } = deps;
  const profile = createUpstreamProfile(settings, ctx.fetch, store);
  if (profile.fetchQuota === undefined) {
    ctx.err(`grantpool accounts quota: ${NO_QUOTA_SOURCE}`);
    return EXIT_USAGE;
  }
  const accounts = await chosenAccounts(store, idOrEmail);
  if (!accounts.ok) {
    ctx.err(`grantpool accounts quota: ${accounts.error}`);
    return EXIT_FAILED;
  }
  const pool = createPool(settings, { store, oauth: deps.oauth, clock: ctx.clock, log: ctx.log });
  await pool.start();
  const quotas = createQuotaRefresher(
    { ...settings, quotaRefreshIntervalSeconds: 0 },
    { pool, store, clock: ctx.clock, log: ctx.log },
    profile,
  );
  const fetched: Fetched[] = await mapLimited(accounts.value, CONCURRENCY, async (account) => ({
    account,
    result: (await quotas?.refresh(account.id)) ?? err("no quota source"),
  }));
  pool.stop();
  fetched.sort((a, b) => a.account.email.localeCompare(b.account.email));
  ctx.out(settings.json ? JSON.stringify(fetched.map(jsonView), null, 2) : quotaTable(fetched));
  return fetched.every((one) => one.result.ok) ? EXIT_OK : EXIT_FAILED;
}

async function chosenAccounts(
  store: AccountStore,
  idOrEmail: string | undefined,
): Promise<Result<Account[], string>> {
  if (idOrEmail === undefined) return ok((await store.list()).filter((account) => !account.disabled));
  const found = await findAccount(store, idOrEmail);
  if (!found.ok) return err(found.error.message);
  const account = found.value;
  if (account.disabled)
    return err(
      `${account.email} is disabled (${account.disabledReason ?? "disabled"}): it has no token to ask with`,
    );
  return ok([account]);
}

function jsonView({ account, result }: Fetched): Record<string, unknown> {
  return result.ok ? publicAccount(result.value) : { ...publicAccount(account), error: result.error };
}

function quotaTable(fetched: readonly Fetched[]): string {
  const rows: string[][] = [["EMAIL", "MODEL", "LEFT", "RESETS"]];
  for (const { account, result } of fetched) {
    if (!result.ok) {
      rows.push([account.email, `(not fetched: ${result.error})`, "", ""]);
      continue;
    }
    const quota = result.value.quota;
    if (quota?.isForbidden === true)
      rows.push([account.email, "(Google refused the quota call: 403)", "", ""]);
    else if (quota === undefined || quota.models.length === 0)
      rows.push([account.email, "(no model has quota)", "", ""]);
    for (const model of quota?.isForbidden === true ? [] : (quota?.models ?? []))
      rows.push([account.email, model.name, `${model.percentage}%`, model.resetTime ?? ""]);
  }
  return table(rows);
}
