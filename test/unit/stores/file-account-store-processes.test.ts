import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import type { Account } from "../../../src/accounts/account.ts";
import type { AccountStore } from "../../../src/stores/account-store.ts";
import { decodeAccountFile } from "../../../src/stores/file/account-file-decoder.ts";
import { encodeAccountFile } from "../../../src/stores/file/account-file-encoder.ts";
import { FileAccountStore } from "../../../src/stores/file/file-account-store.ts";
import { readRawMembers } from "../../../src/stores/file/raw-json-object.ts";
import { captureLog } from "../../support/captured-log.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { spawnStoreWriter } from "../../support/store-child-process.ts";
import { createTempDir, recordEvents, sampleAccount, type TempDir } from "../../support/store-fixtures.ts";
import { waitFor } from "../../support/wait-for.ts";

describe("file store shared by several processes", () => {
  let dir: TempDir;
  let store: AccountStore;

  beforeEach(() => {
    dir = createTempDir();
    const clock = new FakeClock();
    store = new FileAccountStore({ dataDir: dir.path, log: captureLog(clock).logger, clock });
  });

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  const seed = async (account: Account, unknownMembers = ""): Promise<string> => {
    await store.upsertByEmail(account.email, () => account);
    const file = path.join(dir.path, "accounts", `${account.id}.json`);
    if (unknownMembers !== "") {
      const text = encodeAccountFile(account).replace(/\n}\n$/, `,\n${unknownMembers}\n}\n`);
      await Bun.write(file, text);
    }
    return file;
  };

  test("notices an update made by another process within a second", async () => {
    const account = sampleAccount({ lastUsed: 0 });
    await seed(account);
    const events = recordEvents(store);
    const writer = spawnStoreWriter([dir.path, "increment-last-used", account.id, "1"]);
    expect(await writer.exited).toBe(0);
    await waitFor(() => events.events.length > 0, { timeoutMs: 1000, message: "the other process's update" });
    expect(events.events).toEqual([{ type: "upsert", account: { ...account, lastUsed: 1 } }]);
    events.stop();
  });

  test("two processes each doing 50 updates of different fields of one account lose none", async () => {
    const account = sampleAccount({ lastUsed: 0, token: { expiresIn: 0 } });
    const file = await seed(account, `  "keep": 1.50`);
    const writers = [
      spawnStoreWriter([dir.path, "increment-last-used", account.id, "50"]),
      spawnStoreWriter([dir.path, "increment-expires-in", account.id, "50"]),
    ];
    const codes = await Promise.all(writers.map((w) => w.exited));
    expect({ codes, stderr: await Promise.all(writers.map((w) => w.stderr())) }).toEqual({
      codes: [0, 0],
      stderr: ["", ""],
    });
    const stored = await store.get(account.id);
    expect(stored?.lastUsed).toBe(50);
    expect(stored?.token.expiresIn).toBe(50);
    expect(readRawMembers(readFileSync(file, "utf8")).find((m) => m.key === "keep")?.rawValue).toBe("1.50");
  }, 60_000);

  test("a writer killed mid-write never leaves a truncated or unparsable account file", async () => {
    const account = sampleAccount({ lastUsed: 0 });
    // A 2 MB unknown member makes each write long enough for kills to land inside it.
    const file = await seed(account, `  "padding": "${"p".repeat(2 * 1024 * 1024)}"`);
    const accountsDir = path.dirname(file);
    let interrupted = 0;
    let lastUsed = 0;
    // The account's temporary files: ".<id>.json.<random>.tmp".
    const tempFileExists = () =>
      readdirSync(accountsDir).some((name) => name.startsWith(`.${account.id}.json.`));
    for (let round = 0; round < 12; round++) {
      const writer = spawnStoreWriter([dir.path, "rewrite-forever", account.id]);
      await writer.printed("writing", 1 + (round % 3));
      // Half the kills land while a rewrite's temporary file is being written, the others
      // while the writer holds the lock and reads, leaving a stale lock for the next one.
      if (round % 2 === 0) {
        // A write has begun: its temporary file exists, or (were writes not atomic) the file changed.
        const before = statSync(file);
        const writing = () => tempFileExists() || statSync(file).mtimeMs !== before.mtimeMs;
        await waitFor(writing, { intervalMs: 1, message: "a write under way" });
      }
      writer.kill("SIGKILL");
      await writer.exited;
      if (tempFileExists()) interrupted++;
      const decoded = decodeAccountFile(readFileSync(file, "utf8"), {
        fileId: account.id,
        fallbackCreatedAt: 0,
      });
      if (!decoded.ok) throw new Error(`round ${round}: ${decoded.error}`);
      expect(decoded.value.lastUsed ?? 0).toBeGreaterThanOrEqual(lastUsed);
      lastUsed = decoded.value.lastUsed ?? 0;
    }
    // The kills did interrupt writes, or the test would prove nothing; the next writer cleaned up.
    expect(interrupted).toBeGreaterThan(0);
    expect((await store.update(account.id, (a) => ({ ...a, name: "after" }))).status).toBe("updated");
    expect(readdirSync(accountsDir).filter((name) => name.startsWith("."))).toEqual([]);
  }, 120_000);
});
