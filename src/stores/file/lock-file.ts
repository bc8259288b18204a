/**
 * A cross-process lock built from a lock file, because neither Bun nor Deno offers flock through
 * `node:fs`. Taking it is an exclusive create (`wx`); the file records the owner's pid, host and
 * start time so that a lock left behind by a dead process can be recognised and broken.
 */
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { backoffMs, jittered } from "../../time/backoff.ts";
import { type Clock, pause, systemClock } from "../../time/clock.ts";
import { lockTimeout } from "./file-store-errors.ts";
import { errorCode } from "./fs-error-code.ts";

export interface LockFileOptions {
  readonly path: string;
  /** A lock held longer than this is taken to be abandoned, even if its owner seems alive. */
  readonly staleMs?: number;
  /** How long to wait for the lock before giving up. */
  readonly timeoutMs?: number;
  /** The wall clock (the default): lock ages are compared across processes, so never domain time. */
  readonly clock?: Clock;
  readonly onBreak?: (reason: string) => void;
}

export interface HeldLock {
  /** True when a lock abandoned by a dead owner had to be broken to take this one. */
  readonly brokeStale: boolean;
  release(): Promise<void>;
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly acquiredAt: number;
  readonly nonce: string;
}

const DEFAULT_STALE_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 60_000;
// Lock files are created with their owner record in place, except on file systems without hard
// links; an unreadable one older than this belongs to a process that died while creating it.
const EMPTY_LOCK_GRACE_MS = 5_000;
/** Waits between attempts on a held lock: short, because writes under it are. */
const RETRY_BACKOFF = { firstMs: 2, maxMs: 40 };

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) !== "ESRCH";
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid !== "number" || typeof value.acquiredAt !== "number") return undefined;
    if (typeof value.host !== "string" || typeof value.nonce !== "string") return undefined;
    return value as LockOwner;
  } catch {
    return undefined;
  }
}

/** Why the lock whose file holds `text` is abandoned, or undefined while it is in use. */
function staleReason(text: string, mtimeMs: number, now: number, staleMs: number): string | undefined {
  const owner = parseOwner(text);
  if (owner === undefined) {
    return now - mtimeMs > EMPTY_LOCK_GRACE_MS ? "its owner record is unreadable" : undefined;
  }
  // A pid only means something on the host that wrote it (a data dir may be shared over NFS).
  if (owner.host === os.hostname() && !pidIsAlive(owner.pid)) return `owner pid ${owner.pid} is not running`;
  const ageMs = now - owner.acquiredAt;
  if (ageMs > staleMs) return `held by pid ${owner.pid} for ${Math.round(ageMs / 1000)} s`;
  return undefined;
}

async function readLock(lockPath: string): Promise<{ text: string; mtimeMs: number } | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(lockPath, "utf8"), fs.stat(lockPath)]);
    return { text, mtimeMs: stat.mtimeMs };
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Removes the lock file if it still holds `staleText`. Breakers serialize on a second lock file,
 * so that two of them cannot both judge the same lock stale and one delete a lock the other
 * has just taken.
 */
async function breakLock(lockPath: string, staleText: string, now: number): Promise<boolean> {
  const breakerPath = `${lockPath}.break`;
  try {
    await (await fs.open(breakerPath, "wx", 0o600)).close();
  } catch (error) {
    if (errorCode(error) !== "EEXIST") throw error;
    const breaker = await readLock(breakerPath);
    if (breaker !== undefined && now - breaker.mtimeMs > EMPTY_LOCK_GRACE_MS) {
      await fs.unlink(breakerPath).catch(() => {});
    }
    return false;
  }
  try {
    const current = await readLock(lockPath);
    if (current?.text !== staleText) return false;
    await fs.unlink(lockPath).catch(() => {});
    return true;
  } finally {
    await fs.unlink(breakerPath).catch(() => {});
  }
}

/** The plain exclusive create, for file systems without hard links; briefly leaves an empty lock. */
async function createExclusive(lockPath: string, record: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(lockPath, "wx", 0o600);
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  }
  try {
    await handle.writeFile(record);
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Takes the lock if it is free. The owner record is written to a private file first and then
 * hard-linked into place (link fails if the lock exists), so a lock file is never seen empty, even
 * when its creator is killed at the worst moment.
 */
async function tryCreate(lockPath: string, record: string): Promise<boolean> {
  // The pid in the name lets a later owner delete the file if this process dies before linking.
  const temp = `${lockPath}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await fs.writeFile(temp, record, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
    await fs.mkdir(path.dirname(lockPath), { recursive: true, mode: 0o700 });
    return false;
  }
  try {
    await fs.link(temp, lockPath);
    return true;
  } catch (error) {
    const code = errorCode(error);
    // ENOENT: a breaker cleaning up after a dead writer removed our private file; try again.
    if (code === "EEXIST" || code === "ENOENT") return false;
    return await createExclusive(lockPath, record);
  } finally {
    await fs.unlink(temp).catch(() => {});
  }
}

/** Deletes owner-record files whose process died between writing and linking them. */
async function removeDeadTakersFiles(lockPath: string): Promise<void> {
  const dir = path.dirname(lockPath);
  const prefix = `${path.basename(lockPath)}.`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const pid = Number(name.slice(prefix.length).split(".")[0]);
    if (Number.isInteger(pid) && pid > 0 && !pidIsAlive(pid))
      await fs.unlink(path.join(dir, name)).catch(() => {});
  }
}

/** Waits (with a short, growing, jittered backoff) until the lock is ours. */
export async function acquireLockFile(options: LockFileOptions): Promise<HeldLock> {
  const clock = options.clock ?? systemClock;
  const now = (): number => clock.now();
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const startedAt = now();
  const deadline = startedAt + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let attempt = 0;
  let brokeStale = false;
  for (;;) {
    const owner: LockOwner = {
      pid: process.pid,
      host: os.hostname(),
      acquiredAt: now(),
      nonce: randomUUID(),
    };
    const record = JSON.stringify(owner);
    if (await tryCreate(options.path, record)) {
      await removeDeadTakersFiles(options.path);
      return { brokeStale, release: () => releaseLock(options.path, record) };
    }
    const held = await readLock(options.path);
    if (held === undefined) continue; // released meanwhile: try again at once
    const reason = staleReason(held.text, held.mtimeMs, now(), staleMs);
    if (reason !== undefined && (await breakLock(options.path, held.text, now()))) {
      brokeStale = true;
      options.onBreak?.(reason);
      continue;
    }
    if (now() > deadline) throw lockTimeout(options.path, now() - startedAt);
    attempt += 1;
    await pause(clock, jittered(backoffMs(RETRY_BACKOFF, attempt)));
  }
}

/** Deletes the lock file only if it is still ours (it may have been broken as stale). */
async function releaseLock(lockPath: string, record: string): Promise<void> {
  const current = await readLock(lockPath).catch(() => undefined);
  if (current?.text === record) await fs.unlink(lockPath).catch(() => {});
}
