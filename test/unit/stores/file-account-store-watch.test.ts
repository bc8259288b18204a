import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { AccountStore } from "../../../src/stores/account-store.ts";
import { encodeAccountFile } from "../../../src/stores/file/account-file-encoder.ts";
import { FileAccountStore } from "../../../src/stores/file/file-account-store.ts";
import { captureLog } from "../../support/captured-log.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { createTempDir, recordEvents, sampleAccount, type TempDir } from "../../support/store-fixtures.ts";
import { waitFor } from "../../support/wait-for.ts";

// SPEC §4: the proxy notices changes to accounts/ within one second.
const WITHIN_A_SECOND = { timeoutMs: 1000 };

describe("file store watch", () => {
  let dir: TempDir;
  let accountsDir: string;
  let store: AccountStore;

  const fileOf = (id: string): string => path.join(accountsDir, `${id}.json`);

  beforeEach(() => {
    dir = createTempDir();
    accountsDir = path.join(dir.path, "accounts");
    mkdirSync(accountsDir, { recursive: true });
    const clock = new FakeClock();
    store = new FileAccountStore({ dataDir: dir.path, log: captureLog(clock).logger, clock });
  });

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  test("notices files a person adds, edits in place and deletes, each within a second", async () => {
    const events = recordEvents(store);
    const account = sampleAccount();
    writeFileSync(fileOf(account.id), encodeAccountFile(account));
    await waitFor(() => events.events.length === 1, { ...WITHIN_A_SECOND, message: "the new file" });
    const edited = { ...account, name: "Edited" };
    writeFileSync(fileOf(account.id), encodeAccountFile(edited));
    await waitFor(() => events.events.length === 2, { ...WITHIN_A_SECOND, message: "the edit" });
    rmSync(fileOf(account.id));
    await waitFor(() => events.events.length === 3, { ...WITHIN_A_SECOND, message: "the deletion" });
    expect(events.events).toEqual([
      { type: "upsert", account },
      { type: "upsert", account: edited },
      { type: "remove", id: account.id },
    ]);
    events.stop();
  });

  test("notices an accounts directory created after watching began", async () => {
    rmSync(accountsDir, { recursive: true });
    const events = recordEvents(store);
    const account = sampleAccount();
    mkdirSync(accountsDir);
    writeFileSync(fileOf(account.id), encodeAccountFile(account));
    await waitFor(() => events.events.length === 1, { ...WITHIN_A_SECOND, message: "the new file" });
    expect(events.events).toEqual([{ type: "upsert", account }]);
    events.stop();
  });

  test("reports nothing for a file rewritten or touched with unchanged content", async () => {
    const quiet = sampleAccount();
    const busy = sampleAccount();
    writeFileSync(fileOf(quiet.id), encodeAccountFile(quiet));
    writeFileSync(fileOf(busy.id), encodeAccountFile(busy));
    const events = recordEvents(store);
    writeFileSync(fileOf(quiet.id), encodeAccountFile(quiet));
    utimesSync(fileOf(quiet.id), new Date(), new Date(Date.now() + 5000));
    // Two changes to another file, each awaited: the rescan that saw the second one started
    // after the quiet file's rewrite, and every rescan looks at every file.
    for (const lastUsed of [1, 2]) {
      writeFileSync(fileOf(busy.id), encodeAccountFile({ ...busy, lastUsed }));
      await waitFor(() => events.events.length === lastUsed, {
        message: () => `change ${lastUsed}: ${JSON.stringify(events.events)}`,
      });
    }
    expect(events.about(quiet.id)).toEqual([]);
    events.stop();
  });

  test("ignores dotfiles, temporary files and files that are not JSON", async () => {
    const busy = sampleAccount();
    writeFileSync(fileOf(busy.id), encodeAccountFile(busy));
    const events = recordEvents(store);
    const hidden = sampleAccount();
    writeFileSync(path.join(accountsDir, `.${hidden.id}.json`), encodeAccountFile(hidden));
    writeFileSync(path.join(accountsDir, `.${hidden.id}.json.123.tmp`), encodeAccountFile(hidden));
    writeFileSync(path.join(accountsDir, `${hidden.id}.json.bak`), encodeAccountFile(hidden));
    writeFileSync(path.join(accountsDir, "notes.txt"), "not an account");
    for (const lastUsed of [1, 2]) {
      writeFileSync(fileOf(busy.id), encodeAccountFile({ ...busy, lastUsed }));
      await waitFor(() => events.events.length === lastUsed, {
        message: () => `change ${lastUsed}: ${JSON.stringify(events.events)}`,
      });
    }
    expect(events.about(hidden.id)).toEqual([]);
    expect((await store.list()).map((a) => a.id)).toEqual([busy.id]);
    events.stop();
  });

  test("reports a file moved into place once, as the account it now holds", async () => {
    const account = sampleAccount();
    writeFileSync(fileOf(account.id), encodeAccountFile(account));
    const events = recordEvents(store);
    const replaced = { ...account, token: { ...account.token, refreshToken: "rotated" } };
    const temp = path.join(accountsDir, `.${account.id}.json.editor.tmp`);
    writeFileSync(temp, encodeAccountFile(replaced));
    renameSync(temp, fileOf(account.id));
    await waitFor(() => events.events.length === 1, { ...WITHIN_A_SECOND, message: "the replacement" });
    // Each write of this store is one event too, even while the rescans are running.
    await store.update(account.id, (current) => ({ ...current, name: "Again" }));
    await waitFor(() => events.events.length === 2, { message: "the store's own write" });
    const other = sampleAccount();
    writeFileSync(fileOf(other.id), encodeAccountFile(other));
    await waitFor(() => events.about(other.id).length === 1, { message: "a later change" });
    expect(events.about(account.id)).toEqual([
      { type: "upsert", account: replaced },
      { type: "upsert", account: { ...replaced, name: "Again" } },
    ]);
    events.stop();
  });

  test("notices a Kubernetes Secret update (the ..data link swapped under unchanged links) within a second", async () => {
    const account = sampleAccount();
    const version = (name: string, content: typeof account): void => {
      mkdirSync(path.join(accountsDir, name));
      writeFileSync(path.join(accountsDir, name, `${account.id}.json`), encodeAccountFile(content));
    };
    version("..2026_01_01_00_00_00.1", account);
    symlinkSync("..2026_01_01_00_00_00.1", path.join(accountsDir, "..data"));
    symlinkSync(`..data/${account.id}.json`, fileOf(account.id));
    const events = recordEvents(store);
    const rotated = { ...account, token: { ...account.token, refreshToken: "rotated" } };
    // What the kubelet does: a new version directory, a new link to it, renamed over ..data.
    version("..2026_01_01_00_01_00.2", rotated);
    symlinkSync("..2026_01_01_00_01_00.2", path.join(accountsDir, "..data_tmp"));
    renameSync(path.join(accountsDir, "..data_tmp"), path.join(accountsDir, "..data"));
    await waitFor(() => events.events.length === 1, { ...WITHIN_A_SECOND, message: "the rotated Secret" });
    expect(events.events).toEqual([{ type: "upsert", account: rotated }]);
    events.stop();
  });
});
