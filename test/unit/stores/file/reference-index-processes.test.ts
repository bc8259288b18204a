/**
 * The reference's index under writers in several processes: the index is edited under the same
 * cross-process lock as the account files, so no process's entry is lost to another's rewrite.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { AccountStore } from "../../../../src/stores/account-store.ts";
import { encodeAccountFile } from "../../../../src/stores/file/account-file-encoder.ts";
import { FileAccountStore } from "../../../../src/stores/file/file-account-store.ts";
import { captureLog } from "../../../support/captured-log.ts";
import { FakeClock } from "../../../support/fake-clock.ts";
import { entryOf, readReferenceIndex, referenceIndexText } from "../../../support/reference-index-fixture.ts";
import { createTempDir, sampleAccount, type TempDir } from "../../../support/store-fixtures.ts";

const CHILD = path.join(import.meta.dir, "..", "..", "..", "support", "index-writer-child.ts");

async function runWriter(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  const child = Bun.spawn([process.execPath, CHILD, ...args], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  return { code, stderr };
}

describe("the reference's index with writers in several processes", () => {
  let dir: TempDir;
  let store: AccountStore;
  const toggled = sampleAccount({ id: "toggled" });

  beforeEach(() => {
    dir = createTempDir();
    mkdirSync(path.join(dir.path, "accounts"));
    writeFileSync(path.join(dir.path, "accounts", "toggled.json"), encodeAccountFile(toggled));
    writeFileSync(
      path.join(dir.path, "accounts.json"),
      referenceIndexText([{ account: toggled }], toggled.id),
    );
    const clock = new FakeClock();
    store = new FileAccountStore({ dataDir: dir.path, log: captureLog(clock).logger, clock });
  });

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  test("adds, removes and updates racing in four processes all end up in the index", async () => {
    const results = await Promise.all([
      runWriter([dir.path, "add", "p1", "15"]),
      runWriter([dir.path, "add", "p2", "15"]),
      runWriter([dir.path, "add-remove", "p3", "10"]),
      runWriter([dir.path, "toggle", "toggled", "15"]),
    ]);
    const ok = { code: 0, stderr: "" };
    expect(results).toEqual([ok, ok, ok, ok]);

    const accounts = await store.list();
    const onDisk = readdirSync(path.join(dir.path, "accounts")).filter((name) => !name.startsWith("."));
    expect(accounts).toHaveLength(31);
    expect(onDisk).toHaveLength(31);
    const index = readReferenceIndex(dir.path);
    expect(index.accounts.map((entry) => entry.id).sort()).toEqual(accounts.map((a) => a.id).sort());
    // Every entry says what its account file says; the toggled account ended proxy-disabled (15 flips).
    for (const account of accounts)
      expect(index.accounts.find((e) => e.id === account.id)).toEqual(entryOf(account));
    expect(accounts.find((a) => a.id === "toggled")?.proxyDisabled).toBe(true);
    expect(index.current_account_id).toBe("toggled");
    expect(readdirSync(dir.path).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  }, 60_000);
});
