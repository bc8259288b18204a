/**
 * Another process writing accounts through a file store, for the tests of the reference's index
 * under concurrent writers:
 *
 *   bun test/support/index-writer-child.ts <data-dir> add <prefix> <count>
 *   bun test/support/index-writer-child.ts <data-dir> add-remove <prefix> <count>
 *   bun test/support/index-writer-child.ts <data-dir> toggle <id> <count>
 *
 * add creates accounts `<prefix>-<i>` (email `<prefix>-<i>@example.com`); add-remove creates each
 * and removes it again; toggle flips one account's proxy_disabled. Prints "done" at the end.
 */
import type { Account } from "../../src/accounts/account.ts";
import type { AccountStore } from "../../src/stores/account-store.ts";
import { openChildFileStore } from "./child-file-store.ts";

function newAccount(id: string): Account {
  return {
    id,
    email: `${id}@example.com`,
    token: { accessToken: "", refreshToken: `rt-${id}`, expiryTimestamp: 0 },
    disabled: false,
    proxyDisabled: false,
    createdAt: 1_760_000_000,
    lastUsed: 1_760_000_000,
  };
}

async function run(
  store: AccountStore,
  command: string,
  name: string,
  count: number,
): Promise<string | undefined> {
  for (let i = 0; i < count; i++) {
    if (command === "toggle") {
      const result = await store.update(name, (a) => ({ ...a, proxyDisabled: !a.proxyDisabled }));
      if (result.status !== "updated") return `toggle ${i}: ${result.status}`;
      continue;
    }
    const account = newAccount(`${name}-${i}`);
    const result = await store.upsertByEmail(account.email, (existing) => existing ?? account);
    if (result.status !== "created") return `add ${account.id}: ${result.status}`;
    if (command === "add-remove" && !(await store.remove(account.id))) return `remove ${account.id}: missing`;
  }
  return undefined;
}

async function main(): Promise<number> {
  const [dataDir, command, name, countText] = process.argv.slice(2);
  if (
    dataDir === undefined ||
    name === undefined ||
    !["add", "add-remove", "toggle"].includes(command ?? "")
  ) {
    process.stderr.write("usage: index-writer-child.ts <data-dir> add|add-remove|toggle <name> <count>\n");
    return 2;
  }
  const store = openChildFileStore(dataDir);
  const failure = await run(store, command ?? "", name, Number(countText ?? "1"));
  await store.close();
  if (failure !== undefined) {
    process.stderr.write(`${failure}\n`);
    return 1;
  }
  process.stdout.write("done\n");
  return 0;
}

process.exitCode = await main();
