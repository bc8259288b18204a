import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { acquireLockFile } from "../../../../src/stores/file/lock-file.ts";
import { createTempDir, type TempDir } from "../../../support/store-fixtures.ts";

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "0"]);
  if (typeof child.pid !== "number") throw new Error("could not start a child process");
  return child.pid;
}

function writeOwner(lockPath: string, owner: { pid: number; acquiredAt: number; host?: string }): void {
  writeFileSync(lockPath, JSON.stringify({ host: os.hostname(), nonce: "someone-else", ...owner }));
}

describe("lock file", () => {
  let dir: TempDir;
  let lockPath: string;

  beforeEach(() => {
    dir = createTempDir();
    lockPath = path.join(dir.path, ".lock");
  });

  afterEach(() => dir.remove());

  test("records the owner's pid while held and deletes the file on release", async () => {
    const lock = await acquireLockFile({ path: lockPath });
    expect(JSON.parse(readFileSync(lockPath, "utf8"))).toMatchObject({
      pid: process.pid,
      host: os.hostname(),
    });
    expect(lock.brokeStale).toBe(false);
    await lock.release();
    expect(existsSync(lockPath)).toBe(false);
  });

  test("makes a second taker wait until the first releases", async () => {
    const first = await acquireLockFile({ path: lockPath });
    const order: string[] = [];
    const second = acquireLockFile({ path: lockPath }).then((lock) => {
      order.push("second acquired");
      return lock;
    });
    order.push("first releasing");
    await first.release();
    await (await second).release();
    expect(order).toEqual(["first releasing", "second acquired"]);
  });

  test("breaks a lock left by a process that is no longer running", async () => {
    writeOwner(lockPath, { pid: deadPid(), acquiredAt: Date.now() });
    const reasons: string[] = [];
    const lock = await acquireLockFile({ path: lockPath, timeoutMs: 2000, onBreak: (r) => reasons.push(r) });
    expect(lock.brokeStale).toBe(true);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^owner pid \d+ is not running$/);
    await lock.release();
  });

  test("breaks a lock held far longer than any write takes, even by a live pid", async () => {
    writeOwner(lockPath, { pid: process.pid, acquiredAt: Date.now() - 3_600_000 });
    const lock = await acquireLockFile({ path: lockPath, staleMs: 30_000, timeoutMs: 2000 });
    expect(lock.brokeStale).toBe(true);
    await lock.release();
  });

  test("does not judge another host's pid, only the lock's age", async () => {
    writeOwner(lockPath, { pid: deadPid(), acquiredAt: Date.now(), host: "another-host" });
    await expect(acquireLockFile({ path: lockPath, timeoutMs: 50 })).rejects.toMatchObject({
      code: "STORE_LOCK_TIMEOUT",
    });
  });

  test("gives up with a clear error when a live owner keeps the lock", async () => {
    const held = await acquireLockFile({ path: lockPath });
    await expect(acquireLockFile({ path: lockPath, timeoutMs: 50 })).rejects.toThrow(
      `Cannot lock the account store: ${lockPath} is still held`,
    );
    await held.release();
  });

  test("release leaves alone a lock that is no longer its own", async () => {
    const lock = await acquireLockFile({ path: lockPath });
    writeOwner(lockPath, { pid: process.pid, acquiredAt: Date.now() });
    await lock.release();
    expect(existsSync(lockPath)).toBe(true);
  });
});
