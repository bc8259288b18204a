/**
 * Another process writing to a file store, for the cross-process tests:
 *
 *   bun test/support/store-writer-child.ts <data-dir> increment-last-used <id> <count>
 *   bun test/support/store-writer-child.ts <data-dir> increment-expires-in <id> <count>
 *   bun test/support/store-writer-child.ts <data-dir> rewrite-forever <id>
 *
 * The increments read-modify-write one field `count` times and print "done". rewrite-forever
 * prints "writing" before each update, so a parent can kill it while a write is under way.
 */
import type { Account } from "../../src/accounts/account.ts";
import { openChildFileStore } from "./child-file-store.ts";

type Change = (account: Account) => Account;

const changes: Record<string, Change> = {
  "increment-last-used": (account) => ({ ...account, lastUsed: (account.lastUsed ?? 0) + 1 }),
  "increment-expires-in": (account) => ({
    ...account,
    token: { ...account.token, expiresIn: (account.token.expiresIn ?? 0) + 1 },
  }),
  "rewrite-forever": (account) => ({ ...account, lastUsed: (account.lastUsed ?? 0) + 1 }),
};

async function main(): Promise<number> {
  const [dataDir, command, id, countText] = process.argv.slice(2);
  const change = command === undefined ? undefined : changes[command];
  if (dataDir === undefined || change === undefined || id === undefined) {
    process.stderr.write("usage: store-writer-child.ts <data-dir> <command> <id> [count]\n");
    return 2;
  }
  const store = openChildFileStore(dataDir);
  const forever = command === "rewrite-forever";
  const count = forever ? Number.POSITIVE_INFINITY : Number(countText ?? "1");
  for (let i = 0; i < count; i++) {
    if (forever) process.stdout.write("writing\n");
    const result = await store.update(id, change);
    if (result.status !== "updated") {
      process.stderr.write(`update ${i} of ${id}: ${result.status}\n`);
      return 1;
    }
  }
  await store.close();
  process.stdout.write("done\n");
  return 0;
}

process.exitCode = await main();
