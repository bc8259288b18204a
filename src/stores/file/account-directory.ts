/**
 * The layout of `<data-dir>/accounts/` and the reading of one file in it. A read yields the
 * account or the reason it is not one, plus a stamp (inode, size, times) for cheap change checks
 * and a content hash for exact ones.
 */
import { createHash } from "node:crypto";
import { promises as fs, readdirSync } from "node:fs";
import * as path from "node:path";
import type { Account } from "../../accounts/account.ts";
import { decodeAccountFile } from "./account-file-decoder.ts";
import { errorCode } from "./fs-error-code.ts";
import {
  MAX_ACCOUNT_FILE_BYTES,
  type RegularFileRead,
  readRegularFile,
  readRegularFileSync,
  retryWhileExhausted,
} from "./read-regular-file.ts";

export const ACCOUNTS_DIRECTORY = "accounts";
const SUFFIX = ".json";
// Ids become file names: no separators, no leading dot, nothing a shell or editor would mangle.
const ACCOUNT_ID = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,199}$/;

export function isValidAccountId(id: string): boolean {
  return ACCOUNT_ID.test(id);
}

export function accountFileName(id: string): string {
  return `${id}${SUFFIX}`;
}

/** Names worth looking at: `*.json`, except dotfiles (our temporary and lock files among them). */
export function isAccountFileName(name: string): boolean {
  return name.endsWith(SUFFIX) && !name.startsWith(".");
}

export function idFromFileName(name: string): string {
  return name.slice(0, -SUFFIX.length);
}

export type LoadedAccountFile =
  | {
      readonly kind: "account";
      readonly stamp: string;
      readonly hash: string;
      readonly text: string;
      readonly account: Account;
    }
  | { readonly kind: "broken"; readonly stamp: string; readonly hash: string; readonly reason: string };

interface StatLike {
  readonly ino: number | bigint;
  readonly size: number | bigint;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

/** Changes whenever the file is replaced (inode) or written (size, times). */
export function stampOf(stat: StatLike): string {
  return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
}

export function hashOf(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The stamp of `file`, or undefined when it does not exist. A file stat cannot follow (a link
 * loop, no permission) gets a stamp naming the error: one such file must not stop a scan.
 */
export async function readStamp(file: string): Promise<string | undefined> {
  try {
    return stampOf(await retryWhileExhausted(() => fs.stat(file)));
  } catch (error) {
    const code = errorCode(error);
    return code === "ENOENT" ? undefined : `error:${code ?? "unknown"}`;
  }
}

/** Whether anything (a file, a link even to nothing, a FIFO…) is at `file`. */
export async function entryExists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
}

/** The candidate file names in `dir`; none when the directory does not exist yet. */
export async function listAccountFileNames(dir: string): Promise<string[]> {
  try {
    return (await retryWhileExhausted(() => fs.readdir(dir))).filter(isAccountFileName).sort();
  } catch (error) {
    if (errorCode(error) === "ENOENT") return [];
    throw error;
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

type DecodedFile =
  | { readonly kind: "account"; readonly hash: string; readonly text: string; readonly account: Account }
  | { readonly kind: "broken"; readonly hash: string; readonly reason: string };

function decodeBytes(name: string, bytes: Uint8Array, mtimeMs: number): DecodedFile {
  const hash = hashOf(bytes);
  const id = idFromFileName(name);
  if (!isValidAccountId(id))
    return { kind: "broken", hash, reason: "the file name is not a valid account id" };
  let text: string;
  try {
    // Strict decoding: a file we rewrite must round-trip every byte of the values we keep.
    text = UTF8.decode(bytes);
  } catch {
    return { kind: "broken", hash, reason: "not valid UTF-8" };
  }
  const decoded = decodeAccountFile(text, { fileId: id, fallbackCreatedAt: Math.floor(mtimeMs / 1000) });
  if (!decoded.ok) return { kind: "broken", hash, reason: decoded.error };
  return { kind: "account", hash, text, account: decoded.value };
}

/** What a read yields: the decoded account, the reason it is not one, or nothing (no such file). */
function fromRead(name: string, read: RegularFileRead): LoadedAccountFile | undefined {
  if (read.kind === "missing") return undefined;
  if (read.kind === "refused") {
    const stamp = read.stat === undefined ? "" : stampOf(read.stat);
    // The reason stands in for the content hash: a file is reported again when it changes.
    return { kind: "broken", stamp, hash: `refused:${read.reason}`, reason: read.reason };
  }
  return { ...decodeBytes(name, read.bytes, read.stat.mtimeMs), stamp: stampOf(read.stat) };
}

/**
 * Reads `dir/name` through one open descriptor, so the stamp and the content belong together.
 * Undefined when the file does not exist; anything that cannot be read as an account file (not a
 * regular file, too large, unreadable, invalid) is reported as broken.
 */
export async function loadAccountFile(dir: string, name: string): Promise<LoadedAccountFile | undefined> {
  return fromRead(name, await readRegularFile(path.join(dir, name), MAX_ACCOUNT_FILE_BYTES));
}

/** One file as the synchronous scan found it: the account without its text, or why it is none. */
export type ScannedFile = {
  readonly name: string;
  readonly stamp: string;
  readonly hash: string;
} & (
  | { readonly kind: "account"; readonly account: Account }
  | { readonly kind: "broken"; readonly reason: string }
);

export interface DirectoryScan {
  readonly files: readonly ScannedFile[];
  /** False when some file could not be opened for lack of descriptors: it is not among `files`. */
  readonly complete: boolean;
}

/**
 * Every candidate file, read synchronously so that a watch starts from a known state: every
 * change after it began is reported, and nothing else. The same rule as loadAccountFile: a FIFO
 * or a link to a device is never opened for reading. One file is open at a time.
 */
export function scanDirectorySync(dir: string): DirectoryScan {
  let names: string[];
  try {
    names = readdirSync(dir).filter(isAccountFileName).sort();
  } catch (error) {
    // No directory yet: every file that appears later is new.
    return { files: [], complete: errorCode(error) === "ENOENT" };
  }
  const files: ScannedFile[] = [];
  let complete = true;
  for (const name of names) {
    const read = readRegularFileSync(path.join(dir, name), MAX_ACCOUNT_FILE_BYTES);
    if (read.kind === "exhausted") {
      complete = false;
      continue;
    }
    const loaded = fromRead(name, read);
    if (loaded === undefined) continue;
    if (loaded.kind === "account") {
      const { stamp, hash, account } = loaded;
      files.push({ name, stamp, hash, kind: "account", account });
    } else files.push({ name, ...loaded });
  }
  return { files, complete };
}
