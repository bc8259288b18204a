/**
 * `grantpool accounts import DIR`: copies the accounts of an Antigravity-Manager data directory
 * (DIR/accounts/*.json, or DIR itself when it holds the account files) into this data directory.
 * Accounts whose email is already here are left alone; unreadable files are reported and skipped.
 * An account is copied whole: the members grantpool does not model (quota, device profile,
 * validation state, labels, token extras) come along as the account's extras, which the file
 * store writes into the new file byte for byte in value. The Kubernetes store keeps only what an
 * Account resource holds.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sameEmail } from "../accounts/account.ts";
import type { AccountStore } from "../stores/account-store.ts";
import { FileAccountStore } from "../stores/file/file-account-store.ts";
import { type CliContext, EXIT_FAILED, EXIT_OK } from "./cli-context.ts";

/** The file store wants a data directory with accounts/ inside; accept either form. */
function sourceDataDir(dir: string): string {
  return existsSync(join(dir, "accounts")) ? dir : join(dir, "..");
}

export async function accountsImport(ctx: CliContext, target: AccountStore, dir: string): Promise<number> {
  if (!existsSync(dir)) {
    ctx.err(`grantpool accounts import: ${dir} does not exist`);
    return EXIT_FAILED;
  }
  let unreadable = 0;
  const sourceLog = {
    ...ctx.log,
    child: () => sourceLog,
    warn: (msg: string) => {
      unreadable += 1;
      ctx.err(msg);
    },
  };
  const source = new FileAccountStore({ dataDir: sourceDataDir(dir), log: sourceLog, clock: ctx.clock });
  try {
    const accounts = await source.list();
    const existing = await target.list();
    let imported = 0;
    for (const account of accounts) {
      if (existing.some((present) => sameEmail(present.email, account.email))) {
        ctx.out(`Skipped ${account.email}: already in this data directory`);
        continue;
      }
      await target.upsertByEmail(account.email, (current) => current ?? account);
      imported += 1;
      ctx.out(`Imported ${account.email} (id ${account.id})${account.disabled ? " (disabled)" : ""}`);
    }
    ctx.out(`${imported} imported, ${accounts.length - imported} skipped, ${unreadable} unreadable`);
    return unreadable === 0 ? EXIT_OK : EXIT_FAILED;
  } finally {
    await source.close();
  }
}
