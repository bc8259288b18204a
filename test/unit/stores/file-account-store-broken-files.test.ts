import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { AccountStore } from "../../../src/stores/account-store.ts";
import { encodeAccountFile } from "../../../src/stores/file/account-file-encoder.ts";
import { FileAccountStore } from "../../../src/stores/file/file-account-store.ts";
import { type CapturedLog, captureLog } from "../../support/captured-log.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { createTempDir, recordEvents, sampleAccount, type TempDir } from "../../support/store-fixtures.ts";
import { waitFor } from "../../support/wait-for.ts";

// Built at run time: a committed literal of this shape would look like a leaked Google token.
const SECRET = ["1//0g", "SecretRefreshTokenValue"].join("");
const BROKEN_ID = "11111111-1111-4111-8111-111111111111";
const INVALID_ID = "22222222-2222-4222-8222-222222222222";
const brokenJson = `{\n  "id": "${BROKEN_ID}", "email": "broken@example.com",\n  "token": {"refresh_token": "${SECRET}"},\n}`;
const invalidAccount = `{"id": "${INVALID_ID}", "email": "invalid@example.com", "token": {"refresh_token": ""}}`;

describe("file store with unreadable account files", () => {
  let dir: TempDir;
  let accountsDir: string;
  let log: CapturedLog;
  let store: AccountStore;

  const fileOf = (id: string): string => path.join(accountsDir, `${id}.json`);
  const snapshot = (id: string) => ({
    bytes: readFileSync(fileOf(id)),
    mtimeMs: statSync(fileOf(id)).mtimeMs,
  });

  beforeEach(() => {
    dir = createTempDir();
    accountsDir = path.join(dir.path, "accounts");
    mkdirSync(accountsDir, { recursive: true });
    writeFileSync(fileOf(BROKEN_ID), brokenJson);
    writeFileSync(fileOf(INVALID_ID), invalidAccount);
    const clock = new FakeClock();
    log = captureLog(clock);
    store = new FileAccountStore({ dataDir: dir.path, log: log.logger, clock, pollIntervalMs: 20 });
  });

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  test("leaves a broken account file byte-identical and reports it once", async () => {
    const good = sampleAccount();
    writeFileSync(fileOf(good.id), encodeAccountFile(good));
    const before = [snapshot(BROKEN_ID), snapshot(INVALID_ID)];
    const events = recordEvents(store);

    expect(await store.list()).toEqual([good]);
    expect(await store.list()).toEqual([good]);
    expect(await store.get(BROKEN_ID)).toBeUndefined();
    expect(await store.update(BROKEN_ID, (a) => ({ ...a, name: "x" }))).toEqual({ status: "missing" });
    expect(await store.update(INVALID_ID, (a) => ({ ...a, name: "x" }))).toEqual({ status: "missing" });
    expect(await store.remove(BROKEN_ID)).toBe(false);
    const fresh = sampleAccount({ email: "broken@example.com" });
    const upserted = await store.upsertByEmail("BROKEN@example.com", (existing) => existing ?? fresh);
    expect(upserted.status).toBe("created");
    await expect(
      store.upsertByEmail("someone@example.com", () =>
        sampleAccount({ id: BROKEN_ID, email: "someone@example.com" }),
      ),
    ).rejects.toMatchObject({ code: "ACCOUNT_ID_CONFLICT" });
    // Two more changes seen by the watch: the rescans in between went over the broken files too.
    for (const lastUsed of [1, 2]) {
      writeFileSync(fileOf(good.id), encodeAccountFile({ ...good, lastUsed }));
      await waitFor(() => events.about(good.id).length === lastUsed, { message: `change ${lastUsed}` });
    }

    expect([snapshot(BROKEN_ID), snapshot(INVALID_ID)]).toEqual(before);
    expect(log.messages("warn").sort()).toEqual([
      `Skipping unreadable account file ${fileOf(BROKEN_ID)}: Unexpected "}" at line 4, column 1`,
      `Skipping unreadable account file ${fileOf(INVALID_ID)}: token.refresh_token: expected a non-empty string`,
    ]);
    expect(log.records.find((r) => r.msg.includes(BROKEN_ID))?.fields).toMatchObject({
      path: fileOf(BROKEN_ID),
    });
    expect(log.lines.join("\n")).not.toContain(SECRET.slice(3));
    events.stop();
  });

  test("reports a broken file again only when its content changes, and when it is readable again", async () => {
    await store.list();
    await store.list();
    writeFileSync(fileOf(BROKEN_ID), `${brokenJson}\n`);
    await store.list();
    const fixed = sampleAccount({ id: BROKEN_ID });
    writeFileSync(fileOf(BROKEN_ID), encodeAccountFile(fixed));
    expect((await store.list()).map((a) => a.id)).toEqual([BROKEN_ID]);
    expect(
      log.records.filter((r) => r.fields.path === fileOf(BROKEN_ID)).map((r) => [r.level, r.msg]),
    ).toEqual([
      ["warn", `Skipping unreadable account file ${fileOf(BROKEN_ID)}: Unexpected "}" at line 4, column 1`],
      ["warn", `Skipping unreadable account file ${fileOf(BROKEN_ID)}: Unexpected "}" at line 4, column 1`],
      ["info", `Account file is readable again: ${fileOf(BROKEN_ID)}`],
    ]);
  });

  test("reports a file that turns unreadable as removed and, once repaired, as upserted", async () => {
    const account = sampleAccount();
    await store.upsertByEmail(account.email, () => account);
    const events = recordEvents(store);
    writeFileSync(fileOf(account.id), "{ half a file");
    await waitFor(() => events.events.length === 1, { message: "the remove" });
    writeFileSync(fileOf(account.id), encodeAccountFile(account));
    await waitFor(() => events.events.length === 2, { message: "the upsert" });
    expect(events.events).toEqual([
      { type: "remove", id: account.id },
      { type: "upsert", account },
    ]);
    events.stop();
  });
});
