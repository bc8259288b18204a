/**
 * Things in accounts/ that are not account files one can read: a FIFO, links to a device or to
 * nothing, a directory, an oversized file, a file nobody may open. Each is reported once (path and
 * reason) and skipped, at start and when it appears later; the good accounts load; nothing is
 * rewritten; and nothing blocks (a FIFO opened for reading waits for a writer forever).
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import type { Account } from "../../../../src/accounts/account.ts";
import type { AccountStore } from "../../../../src/stores/account-store.ts";
import { encodeAccountFile } from "../../../../src/stores/file/account-file-encoder.ts";
import { FileAccountStore } from "../../../../src/stores/file/file-account-store.ts";
import { MAX_ACCOUNT_FILE_BYTES } from "../../../../src/stores/file/read-regular-file.ts";
import { type CapturedLog, captureLog } from "../../../support/captured-log.ts";
import { FakeClock } from "../../../support/fake-clock.ts";
import { createTempDir, recordEvents, sampleAccount, type TempDir } from "../../../support/store-fixtures.ts";
import { startStoreInChild } from "../../../support/store-start-process.ts";
import { waitFor } from "../../../support/wait-for.ts";

const DEADLINE_MS = 3_000;
const isRoot = process.getuid?.() === 0;

/** Fails instead of hanging when `promise` does not settle in time. */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${DEADLINE_MS} ms`)),
      DEADLINE_MS,
    );
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function mkfifo(file: string): void {
  const made = Bun.spawnSync(["mkfifo", file]);
  if (made.exitCode !== 0) throw new Error(`mkfifo ${file}: ${made.stderr.toString()}`);
}

/** A valid account file padded past the size limit with a member grantpool does not know. */
function oversized(account: Account): string {
  const padding = "p".repeat(MAX_ACCOUNT_FILE_BYTES);
  return encodeAccountFile(account).replace(/\n}\n$/, `,\n  "padding": "${padding}"\n}\n`);
}

interface SpecialFile {
  readonly name: string;
  readonly reason: string;
  make(file: string): void;
}

const SPECIAL_FILES: readonly SpecialFile[] = [
  { name: "fifo", reason: "not a regular file (a FIFO)", make: mkfifo },
  {
    name: "zero",
    reason: "not a regular file (a character device)",
    make: (file) => symlinkSync("/dev/zero", file),
  },
  { name: "folder", reason: "not a regular file (a directory)", make: (file) => mkdirSync(file) },
  {
    name: "dangling",
    reason: "a symbolic link to a file that does not exist",
    make: (file) => symlinkSync(path.join(path.dirname(file), "nowhere"), file),
  },
  { name: "loop", reason: "cannot be opened (ELOOP)", make: (file) => symlinkSync(file, file) },
  {
    name: "huge",
    reason: `larger than 4 MiB (${oversized(sampleAccount({ id: "huge" })).length} bytes)`,
    make: (file) => writeFileSync(file, oversized(sampleAccount({ id: "huge" }))),
  },
];

// Root opens any file whatever its mode, so "permission denied" can only be staged for others.
const UNREADABLE: SpecialFile = {
  name: "locked",
  reason: "cannot be opened (EACCES)",
  make: (file) => {
    writeFileSync(file, encodeAccountFile(sampleAccount({ id: "locked" })));
    chmodSync(file, 0o000);
  },
};
const CASES = isRoot ? SPECIAL_FILES : [...SPECIAL_FILES, UNREADABLE];

describe("file store with special files in accounts/", () => {
  let dir: TempDir;
  let accountsDir: string;
  let clock: FakeClock;
  let log: CapturedLog;
  let store: AccountStore;

  const fileOf = (name: string): string => path.join(accountsDir, `${name}.json`);
  const expectedWarnings = (cases: readonly SpecialFile[]): string[] =>
    cases.map((c) => `Skipping unreadable account file ${fileOf(c.name)}: ${c.reason}`).sort();
  /** What is on disk, without reading through links or into FIFOs. */
  const snapshot = (cases: readonly SpecialFile[]) =>
    cases.map((c) => {
      const stat = lstatSync(fileOf(c.name));
      const regular = stat.isFile() && stat.mode & 0o400;
      return {
        name: c.name,
        mtimeMs: stat.mtimeMs,
        size: stat.size,
        text: regular ? readFileSync(fileOf(c.name), "utf8") : "",
      };
    });

  beforeEach(() => {
    dir = createTempDir();
    accountsDir = path.join(dir.path, "accounts");
    mkdirSync(accountsDir, { recursive: true });
    clock = new FakeClock();
    log = captureLog(clock);
    store = new FileAccountStore({ dataDir: dir.path, log: log.logger, clock, pollIntervalMs: 20 });
  });

  afterEach(async () => {
    await store.close();
    if (!isRoot && existsSync(fileOf(UNREADABLE.name))) chmodSync(fileOf(UNREADABLE.name), 0o600);
    dir.remove();
  });

  test("a store started over them (watch, then list) loads the good accounts, in a process of its own", async () => {
    const good = sampleAccount();
    writeFileSync(fileOf(good.id), encodeAccountFile(good));
    for (const c of CASES) c.make(fileOf(c.name));
    const started = await startStoreInChild(dir.path, DEADLINE_MS);
    expect(started.ids).toEqual([good.id]);
    expect(started.warnings.sort()).toEqual(expectedWarnings(CASES));
  });

  test("list() returns promptly, reports each one once however often it runs, and rewrites nothing", async () => {
    const good = sampleAccount();
    writeFileSync(fileOf(good.id), encodeAccountFile(good));
    for (const c of CASES) c.make(fileOf(c.name));
    const before = snapshot(CASES);
    const events = recordEvents(store);

    expect(await within(store.list(), "list()")).toEqual([good]);
    expect(await within(store.list(), "a second list()")).toEqual([good]);
    for (const c of CASES) expect(await within(store.get(c.name), `get(${c.name})`)).toBeUndefined();
    expect(await store.update("fifo", (a) => ({ ...a, name: "x" }))).toEqual({ status: "missing" });
    expect(await store.remove("zero")).toBe(false);
    // Two changes of the good account, each seen: the rescans in between went over every file.
    for (const lastUsed of [1, 2]) {
      writeFileSync(fileOf(good.id), encodeAccountFile({ ...good, lastUsed }));
      await waitFor(() => events.about(good.id).length === lastUsed, { message: `change ${lastUsed}` });
    }

    expect(events.events.filter((e) => e.type === "remove" || e.account.id !== good.id)).toEqual([]);
    expect(log.messages("warn").sort()).toEqual(expectedWarnings(CASES));
    expect(snapshot(CASES)).toEqual(before);
    events.stop();
  });

  test("ones that appear while watching are reported once each and never become accounts", async () => {
    const good = sampleAccount();
    writeFileSync(fileOf(good.id), encodeAccountFile(good));
    const events = recordEvents(store);
    expect(await within(store.list(), "list()")).toEqual([good]);
    for (const c of CASES) c.make(fileOf(c.name));
    await waitFor(() => log.messages("warn").length === CASES.length, {
      timeoutMs: DEADLINE_MS,
      message: () => `a report of each: ${JSON.stringify(log.messages("warn"))}`,
    });
    // The watch still works after passing over them, and has reported nothing twice.
    const later = sampleAccount();
    writeFileSync(fileOf(later.id), encodeAccountFile(later));
    await waitFor(() => events.about(later.id).length === 1, { message: "an account added after them" });
    expect(events.events).toEqual([{ type: "upsert", account: later }]);
    expect(log.messages("warn").sort()).toEqual(expectedWarnings(CASES));
    expect((await within(store.list(), "list()")).map((a) => a.id).sort()).toEqual(
      [good.id, later.id].sort(),
    );
    events.stop();
  });

  test("a symbolic link to a regular account file is read through (as Kubernetes mounts Secrets)", async () => {
    const linked = sampleAccount();
    mkdirSync(path.join(dir.path, "elsewhere"));
    const target = path.join(dir.path, "elsewhere", "account.json");
    writeFileSync(target, encodeAccountFile(linked));
    symlinkSync(target, fileOf(linked.id));
    expect(await within(store.list(), "list()")).toEqual([linked]);
    expect(log.messages("warn")).toEqual([]);
  });

  test("a file exactly at the size limit is read; one byte more is refused", async () => {
    const account = sampleAccount();
    const text = encodeAccountFile(account);
    const atLimit = text.replace(
      /\n}\n$/,
      `,\n  "padding": "${"p".repeat(MAX_ACCOUNT_FILE_BYTES - text.length - 17)}"\n}\n`,
    );
    expect(atLimit.length).toBe(MAX_ACCOUNT_FILE_BYTES);
    writeFileSync(fileOf(account.id), atLimit);
    expect((await store.list()).map((a) => a.id)).toEqual([account.id]);
    writeFileSync(fileOf(account.id), `${atLimit} `);
    expect(await store.list()).toEqual([]);
    expect(log.messages("warn")).toEqual([
      `Skipping unreadable account file ${fileOf(account.id)}: larger than 4 MiB (${MAX_ACCOUNT_FILE_BYTES + 1} bytes)`,
    ]);
  });
});
