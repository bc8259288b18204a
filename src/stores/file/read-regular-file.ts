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
import { backoffMs } from "../../time/backoff.ts";
import { type Clock, pause, systemClock } from "../../time/clock.ts";
import { errorCode } from "./fs-error-code.ts";

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

/**
 * Where the bytes go: a buffer one byte larger than the file's size, so one read fills it and the
 * next one sees the end; it grows (up to the limit and one byte more) only if the file grew.
 */
class Collected {
  #buffer: Uint8Array;
  #length = 0;

  constructor(
    size: number,
    readonly maxBytes: number,
  ) {
    this.#buffer = new Uint8Array(Math.min(size, maxBytes) + 1);
  }

  /** The free part to read into, or undefined once more than the limit was read. */
  space(): { readonly buffer: Uint8Array; readonly offset: number; readonly length: number } | undefined {
    if (this.#length === this.#buffer.length) {
      if (this.#length > this.maxBytes) return undefined;
      const grown = new Uint8Array(Math.min(this.#buffer.length * 2, this.maxBytes + 1));
      grown.set(this.#buffer);
      this.#buffer = grown;
    }
    return { buffer: this.#buffer, offset: this.#length, length: this.#buffer.length - this.#length };
  }

  add(count: number): void {
    this.#length += count;
  }

  bytes(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }
}

/** Out of file descriptors, for this process or the whole system: try again, never give up on the file. */
export function isDescriptorExhaustion(code: string | undefined): boolean {
  return code === "EMFILE" || code === "ENFILE";
}

/** Waits between attempts while descriptors are exhausted. */
const EXHAUSTED_BACKOFF = { firstMs: 5, maxMs: 200 };

/**
 * Runs `operation` until it does not fail for lack of file descriptors. Descriptors come back as
 * other reads and sockets close: the waits are short and on the real clock, not domain time.
 */
export async function retryWhileExhausted<T>(
  operation: () => Promise<T>,
  clock: Clock = systemClock,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isDescriptorExhaustion(errorCode(error))) throw error;
    }
    await pause(clock, backoffMs(EXHAUSTED_BACKOFF, attempt));
  }
}

type Space = NonNullable<ReturnType<Collected["space"]>>;

/**
 * The reading of an open file whose descriptor has this stat, for both the async and the sync
 * read: it yields where to read next and takes how many bytes came.
 */
function* collect(stat: Stats, maxBytes: number): Generator<Space, RegularFileRead, number> {
  const swapped = refusalOf(stat, maxBytes);
  if (swapped !== undefined) return { kind: "refused", reason: swapped, stat };
  const collected = new Collected(stat.size, maxBytes);
  for (let space = collected.space(); space !== undefined; space = collected.space()) {
    const bytesRead = yield space;
    if (bytesRead === 0) return { kind: "read", bytes: collected.bytes(), stat };
    collected.add(bytesRead);
  }
  return { kind: "refused", reason: grew(maxBytes), stat };
}

function readFailure(error: unknown): RegularFileRead {
  return { kind: "refused", reason: `cannot be read (${errorCode(error) ?? "error"})` };
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
    before = await retryWhileExhausted(() => fs.stat(file));
  } catch (error) {
    return unfollowable(errorCode(error), () => lstatSync(file));
  }
  const refused = refusalOf(before, maxBytes);
  if (refused !== undefined) return { kind: "refused", reason: refused, stat: before };
  let handle: fs.FileHandle;
  try {
    handle = await retryWhileExhausted(() => fs.open(file, OPEN_FLAGS));
  } catch (error) {
    return openFailure(errorCode(error));
  }
  try {
    const steps = collect(await handle.stat(), maxBytes);
    let step = steps.next();
    while (!step.done) {
      const { buffer, offset, length } = step.value;
      step = steps.next((await handle.read(buffer, offset, length, null)).bytesRead);
    }
    return step.value;
  } catch (error) {
    return readFailure(error);
  } finally {
    await handle.close().catch(() => {});
  }
}

/** What a synchronous read may also yield: no descriptor to be had right now (it cannot wait). */
export type RegularFileReadSync = RegularFileRead | { readonly kind: "exhausted" };

/** readRegularFile, synchronously: for the watch's starting point, taken before watch() returns. */
export function readRegularFileSync(file: string, maxBytes: number): RegularFileReadSync {
  let before: Stats;
  try {
    before = statSync(file);
  } catch (error) {
    if (isDescriptorExhaustion(errorCode(error))) return { kind: "exhausted" };
    return unfollowable(errorCode(error), () => lstatSync(file));
  }
  const refused = refusalOf(before, maxBytes);
  if (refused !== undefined) return { kind: "refused", reason: refused, stat: before };
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (error) {
    if (isDescriptorExhaustion(errorCode(error))) return { kind: "exhausted" };
    return openFailure(errorCode(error));
  }
  try {
    const steps = collect(fstatSync(fd), maxBytes);
    let step = steps.next();
    while (!step.done)
      step = steps.next(readSync(fd, step.value.buffer, step.value.offset, step.value.length, null));
    return step.value;
  } catch (error) {
    return readFailure(error);
  } finally {
    closeSync(fd);
  }
}
