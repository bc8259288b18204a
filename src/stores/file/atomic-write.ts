/**
 * Crash-safe file replacement: write a temporary file beside the target, fsync it, rename it over
 * the target, fsync the directory. A reader (or a process killed half way) sees the old file or
 * the new one, never a truncated mix. Temporary names start with "." and end with ".tmp", so the
 * store never mistakes one for an account.
 */
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { errorCode } from "./fs-error-code.ts";

const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;
const TEMP_SUFFIX = ".tmp";
// ".<target>.<uuid>.tmp": ours, and nothing a person would name a file of their own.
const TEMP_NAME = /^\..+\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/** Temporary files of this module and of the lock file's owner records. */
export function isTempFileName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** Creates `dir` (and its parents) readable only by the owner, since it holds refresh tokens. */
export async function ensurePrivateDirectory(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: DIRECTORY_MODE });
}

/** Flushes a directory entry change (rename, unlink) to disk where the platform supports it. */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, "r");
    await handle.sync();
  } catch {
    // Some platforms and runtimes cannot open or fsync a directory; the rename is still atomic.
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** Replaces `target` with `data` atomically; the file has mode 0600 from its creation on. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${randomUUID()}${TEMP_SUFFIX}`);
  const handle = await fs.open(temp, "wx", FILE_MODE);
  try {
    try {
      // The mode given to open is filtered by the umask; chmod makes 0600 exact.
      await handle.chmod(FILE_MODE);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  } catch (error) {
    await fs.unlink(temp).catch(() => {});
    throw error;
  }
  await fsyncDirectory(dir);
}

/** Deletes `target`; false when it was already gone. */
export async function removeFileDurably(target: string): Promise<boolean> {
  try {
    await fs.unlink(target);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
  await fsyncDirectory(path.dirname(target));
  return true;
}

/**
 * Deletes temporary files left by a writer that died mid-write: every one in `dir`, or only those
 * of `target` (a name in `dir`). Only safe while holding the store's lock: every writer holds it
 * while its temporary file exists.
 */
export async function removeOrphanTempFiles(dir: string, target?: string): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  const prefix = target === undefined ? "." : `.${target}.`;
  const orphans = names.filter((name) => isTempFileName(name) && name.startsWith(prefix));
  await Promise.all(orphans.map((name) => fs.unlink(path.join(dir, name)).catch(() => {})));
  return orphans.length;
}
