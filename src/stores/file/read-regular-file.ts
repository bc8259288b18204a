/**
 * The one rule for reading a file the store did not write (an account file, the reference's
 * index): only a regular file, only up to a size limit, and never in a way that can block or
 * exhaust memory. A FIFO, a device, a socket, a directory or an oversized file is refused with a
 * reason, without reading it. Loading at start, `list()` and the live watch all go through here.
 *
 * Symbolic links are followed when they lead to a regular file: Kubernetes mounts Secrets and
 * ConfigMaps as symlinks (`a.json -> ..data/a.json`), and people link account files in from
 * elsewhere. A link to anything else (`/dev/zero`, a FIFO) or to nothing is refused like the
 * thing itself. The type is checked with stat before opening, so a device is never opened, and
 * again with fstat on the open descriptor, in case the path was swapped in between; the open is
 * non-blocking, so even a FIFO swapped in at that moment cannot hang us.
 */
import {
  closeSync,
  constants,
  promises as fs,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  type Stats,
  statSync,
} from "node:fs";
import { errorCode } from "./file-store-errors.ts";

/**
 * The largest account file read. The reference's files, quota and device history included, stay
 * in the tens of kilobytes; the limit leaves room for far larger ones while bounding what one
 * file can cost.
 */
export const MAX_ACCOUNT_FILE_BYTES = 4 * 1024 * 1024;

export type RegularFileRead =
  | { readonly kind: "read"; readonly bytes: Uint8Array; readonly stat: Stats }
  | { readonly kind: "missing" }
  /** `stat` is what could be learnt without reading (for change stamps); absent when nothing could. */
  | { readonly kind: "refused"; readonly reason: string; readonly stat?: Stats };

// Windows has neither flag; there, the stat before opening is the only guard.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
const CHUNK = 64 * 1024;

function kindOf(stat: Stats): string | undefined {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  return undefined;
}

function describeSize(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** Why a file with this stat is not read, or undefined when it may be. */
function refusalOf(stat: Stats, maxBytes: number): string | undefined {
  if (!stat.isFile()) {
    const kind = kindOf(stat);
    return kind === undefined ? "not a regular file" : `not a regular file (${kind})`;
  }
  if (stat.size > maxBytes) return `larger than ${describeSize(maxBytes)} (${stat.size} bytes)`;
  return undefined;
}

function grew(maxBytes: number): string {
  return `larger than ${describeSize(maxBytes)} (it grew while being read)`;
}

/** Collects what is read, and says when it went past the limit (the file grew since fstat). */
class Collected {
  readonly #parts: Uint8Array[] = [];
  #total = 0;

  constructor(readonly maxBytes: number) {}

  /** Keeps the first `count` bytes of `buffer`; false once more than the limit was read. */
  add(buffer: Uint8Array, count: number): boolean {
    this.#parts.push(buffer.slice(0, count));
    this.#total += count;
    return this.#total <= this.maxBytes;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.#total);
    let offset = 0;
    for (const part of this.#parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

function openFailure(code: string | undefined): RegularFileRead {
  if (code === "ENOENT") return { kind: "missing" };
  return { kind: "refused", reason: `cannot be opened (${code ?? "error"})` };
}

/** stat failed: a dangling symlink is refused (it is listed, and may hold nothing we can read). */
function unfollowable(code: string | undefined, lstat: () => Stats): RegularFileRead {
  if (code !== "ENOENT") return openFailure(code);
  try {
    return { kind: "refused", reason: "a symbolic link to a file that does not exist", stat: lstat() };
  } catch {
    return { kind: "missing" };
  }
}

/** Reads `file` if it is a regular file of at most `maxBytes`. Never throws. */
export async function readRegularFile(file: string, maxBytes: number): Promise<RegularFileRead> {
  let before: Stats;
  try {
    before = await fs.stat(file);
  } catch (error) {
    return unfollowable(errorCode(error), () => lstatSync(file));
  }
  const refused = refusalOf(before, maxBytes);
  if (refused !== undefined) return { kind: "refused", reason: refused, stat: before };
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, OPEN_FLAGS);
  } catch (error) {
    return openFailure(errorCode(error));
  }
  try {
    const stat = await handle.stat();
    const swapped = refusalOf(stat, maxBytes);
    if (swapped !== undefined) return { kind: "refused", reason: swapped, stat };
    const collected = new Collected(maxBytes);
    const buffer = new Uint8Array(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) return { kind: "read", bytes: collected.bytes(), stat };
      if (!collected.add(buffer, bytesRead)) return { kind: "refused", reason: grew(maxBytes), stat };
    }
  } catch (error) {
    return { kind: "refused", reason: `cannot be read (${errorCode(error) ?? "error"})` };
  } finally {
    await handle.close().catch(() => {});
  }
}

/** readRegularFile, synchronously: for the watch's starting point, taken before watch() returns. */
export function readRegularFileSync(file: string, maxBytes: number): RegularFileRead {
  let before: Stats;
  try {
    before = statSync(file);
  } catch (error) {
    return unfollowable(errorCode(error), () => lstatSync(file));
  }
  const refused = refusalOf(before, maxBytes);
  if (refused !== undefined) return { kind: "refused", reason: refused, stat: before };
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (error) {
    return openFailure(errorCode(error));
  }
  try {
    const stat = fstatSync(fd);
    const swapped = refusalOf(stat, maxBytes);
    if (swapped !== undefined) return { kind: "refused", reason: swapped, stat };
    const collected = new Collected(maxBytes);
    const buffer = new Uint8Array(CHUNK);
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, CHUNK, null);
      if (bytesRead === 0) return { kind: "read", bytes: collected.bytes(), stat };
      if (!collected.add(buffer, bytesRead)) return { kind: "refused", reason: grew(maxBytes), stat };
    }
  } catch (error) {
    return { kind: "refused", reason: `cannot be read (${errorCode(error) ?? "error"})` };
  } finally {
    closeSync(fd);
  }
}
