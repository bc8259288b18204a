/**
 * A data directory of Antigravity-Manager has an account index next to accounts/; the reference
 * lists accounts from it alone and finds them by email in it. Every write through the file store
 * keeps it in step, keeps what grantpool does not own, and never creates one.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { markDisabled, markProxyDisabled } from "../../../../src/accounts/account-transitions.ts";
import type { AccountStore } from "../../../../src/stores/account-store.ts";
import { encodeAccountFile } from "../../../../src/stores/file/account-file-encoder.ts";
import { FileAccountStore } from "../../../../src/stores/file/file-account-store.ts";
import { readRawElements, readRawMembers } from "../../../../src/stores/file/raw-json-object.ts";
import { type CapturedLog, captureLog } from "../../../support/captured-log.ts";
import { FakeClock } from "../../../support/fake-clock.ts";
import { entryOf, readReferenceIndex, referenceIndexText } from "../../../support/reference-index-fixture.ts";
import { createTempDir, sampleAccount, type TempDir } from "../../../support/store-fixtures.ts";

const KEPT_ENTRY_MEMBERS = `,\n      "protected_models": [\n        "claude-sonnet-4-5"\n      ],\n      "x": 1.0`;
const KEPT_TOP_MEMBERS = `,\n  "current_target_ide": "agy",\n  "later": 12345678901234567890123`;

describe("the reference's account index", () => {
  let dir: TempDir;
  let indexFile: string;
  let log: CapturedLog;
  let store: AccountStore;
  const first = sampleAccount({ name: "First" });

  /** The raw text of the index's entries, in order. */
  const rawEntries = (): string[] => {
    const accounts = readRawMembers(readFileSync(indexFile, "utf8")).find((m) => m.key === "accounts");
    return readRawElements(accounts?.rawValue ?? "[]");
  };
  const rawTop = (key: string) =>
    readRawMembers(readFileSync(indexFile, "utf8")).find((m) => m.key === key)?.rawValue;

  beforeEach(() => {
    dir = createTempDir();
    indexFile = path.join(dir.path, "accounts.json");
    mkdirSync(path.join(dir.path, "accounts"));
    writeFileSync(path.join(dir.path, "accounts", `${first.id}.json`), encodeAccountFile(first));
    writeFileSync(
      indexFile,
      referenceIndexText([{ account: first, extra: KEPT_ENTRY_MEMBERS }], first.id, KEPT_TOP_MEMBERS),
    );
    const clock = new FakeClock();
    log = captureLog(clock);
    store = new FileAccountStore({ dataDir: dir.path, log: log.logger, clock });
  });

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  test("an added account is appended to the index; the entries and members already there keep their text", async () => {
    const before = readFileSync(indexFile, "utf8");
    const [firstEntry] = rawEntries();
    const { name: _unnamed, ...added } = sampleAccount();
    await store.upsertByEmail(added.email, () => added);

    const index = readReferenceIndex(dir.path);
    expect(index.accounts.map((e) => e.id)).toEqual([first.id, added.id]);
    expect(index.accounts[1]).toEqual(entryOf(added));
    expect(index.accounts[1]?.name).toBeNull();
    expect(rawEntries()[0]).toBe(firstEntry ?? "");
    expect(rawTop("version")).toBe(`"2.0"`);
    expect(rawTop("current_account_id")).toBe(JSON.stringify(first.id));
    expect(rawTop("current_target_ide")).toBe(`"agy"`);
    expect(rawTop("later")).toBe("12345678901234567890123");
    expect(readFileSync(indexFile, "utf8")).not.toBe(before);
    expect(statSync(indexFile).mode & 0o777).toBe(0o600);
  });

  test("the first account added to an empty index becomes the current one, as in the reference", async () => {
    writeFileSync(indexFile, referenceIndexText([], null));
    const added = sampleAccount();
    await store.upsertByEmail(added.email, () => added);
    const index = readReferenceIndex(dir.path);
    expect(index.accounts).toEqual([entryOf(added)]);
    expect(index.current_account_id).toBe(added.id);
  });

  test("an account already on disk but missing from the index gets its entry at its next write", async () => {
    const unlisted = sampleAccount();
    writeFileSync(path.join(dir.path, "accounts", `${unlisted.id}.json`), encodeAccountFile(unlisted));
    await store.update(unlisted.id, (a) => markProxyDisabled(a, "manual", 1_770_000_000));
    expect(readReferenceIndex(dir.path).accounts.map((e) => [e.id, e.proxy_disabled])).toEqual([
      [first.id, false],
      [unlisted.id, true],
    ]);
  });

  test("disable and enable follow proxy_disabled, an invalid_grant follows disabled; other members stay", async () => {
    await store.update(first.id, (a) => markProxyDisabled(a, "manual", 1_770_000_000));
    expect(readReferenceIndex(dir.path).accounts[0]).toMatchObject({ proxy_disabled: true, disabled: false });
    await store.update(first.id, (a) => ({ ...a, proxyDisabled: false }));
    expect(readReferenceIndex(dir.path).accounts[0]).toMatchObject({ proxy_disabled: false });
    await store.update(first.id, (a) => markDisabled(a, "invalid_grant: revoked", 1_770_000_000));
    expect(readReferenceIndex(dir.path).accounts[0]).toMatchObject({ disabled: true, proxy_disabled: false });

    const entry = readRawMembers(rawEntries()[0] ?? "{}");
    expect(entry.find((m) => m.key === "x")?.rawValue).toBe("1.0");
    expect(entry.find((m) => m.key === "protected_models")?.rawValue).toContain(`"claude-sonnet-4-5"`);
    expect(rawTop("later")).toBe("12345678901234567890123");
  });

  test("a write that changes nothing the index holds leaves the index file alone", async () => {
    const before = { text: readFileSync(indexFile, "utf8"), ino: statSync(indexFile).ino };
    // A token refresh: a new access token, nothing the summary holds.
    const result = await store.update(first.id, (a) => ({
      ...a,
      token: { ...a.token, accessToken: "fresh" },
    }));
    expect(result.status).toBe("updated");
    expect({ text: readFileSync(indexFile, "utf8"), ino: statSync(indexFile).ino }).toEqual(before);
  });

  test("a removed account leaves the index; the current account moves to the first remaining one or none", async () => {
    const second = sampleAccount();
    await store.upsertByEmail(second.email, () => second);
    expect(await store.remove(first.id)).toBe(true);
    let index = readReferenceIndex(dir.path);
    expect(index.accounts.map((e) => e.id)).toEqual([second.id]);
    expect(index.current_account_id).toBe(second.id);
    expect(await store.remove(second.id)).toBe(true);
    index = readReferenceIndex(dir.path);
    expect(index.accounts).toEqual([]);
    expect(index.current_account_id).toBeNull();
    expect(rawTop("current_target_ide")).toBe(`"agy"`);
  });

  test("a data directory without an index never gets one", async () => {
    const plain = createTempDir();
    const other = new FileAccountStore({ dataDir: plain.path, log: log.logger, clock: new FakeClock() });
    try {
      const account = sampleAccount();
      await other.upsertByEmail(account.email, () => account);
      await other.update(account.id, (a) => markProxyDisabled(a, "manual", 1));
      await other.remove(account.id);
      expect(existsSync(path.join(plain.path, "accounts.json"))).toBe(false);
    } finally {
      await other.close();
      plain.remove();
    }
  });

  test("an index it cannot read is reported once, left byte for byte, and never fails the account's write", async () => {
    const broken = `{"version": "2.0", "accounts": [{"id": "${first.id}"}, 3], "current_account_id": null}`;
    writeFileSync(indexFile, broken);
    const added = sampleAccount();
    expect((await store.upsertByEmail(added.email, () => added)).status).toBe("created");
    expect((await store.update(first.id, (a) => markProxyDisabled(a, "manual", 1))).status).toBe("updated");
    expect(readFileSync(indexFile, "utf8")).toBe(broken);
    expect(log.messages("warn")).toEqual([
      `Not updating Antigravity-Manager's account index ${indexFile}: accounts[1]: expected an object`,
    ]);

    writeFileSync(indexFile, `${broken.slice(0, -1)},}`);
    await store.update(first.id, (a) => ({ ...a, proxyDisabled: false }));
    expect(log.messages("warn")[1]).toBe(
      `Not updating Antigravity-Manager's account index ${indexFile}: Unexpected "}" at line 1, column ${broken.length + 1}`,
    );
  });

  test("an index that is not a regular file is reported and skipped without blocking", async () => {
    Bun.spawnSync(["rm", indexFile]);
    const made = Bun.spawnSync(["mkfifo", indexFile]);
    expect(made.exitCode).toBe(0);
    const added = sampleAccount();
    expect((await store.upsertByEmail(added.email, () => added)).status).toBe("created");
    expect(log.messages("warn")).toEqual([
      `Not updating Antigravity-Manager's account index ${indexFile}: not a regular file (a FIFO)`,
    ]);
  });
});
