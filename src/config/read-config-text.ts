/**
 * Reads the text of the --config file from disk, refusing what a settings file never is: a FIFO,
 * a device or a directory (reading a FIFO would block until a writer comes, a device may never
 * end) and anything larger than MAX_CONFIG_BYTES. Throws an Error whose message says which.
 */
import { readFileSync, type Stats, statSync } from "node:fs";

/** A settings file is a few hundred bytes; a megabyte leaves room for comments and keys lists. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}

export function readConfigText(path: string): string {
  // stat follows symbolic links and never opens the file, so a FIFO is refused without blocking.
  const stats = statSync(path);
  if (!stats.isFile()) throw new Error(`it is ${kindOf(stats)}, expected a regular file`);
  if (stats.size > MAX_CONFIG_BYTES) {
    throw new Error(`it has ${stats.size} bytes, more than the ${MAX_CONFIG_BYTES} a config file may have`);
  }
  const bytes = readFileSync(path);
  // The file may have grown between stat and read.
  if (bytes.length > MAX_CONFIG_BYTES) {
    throw new Error(`it has more than the ${MAX_CONFIG_BYTES} bytes a config file may have`);
  }
  return new TextDecoder().decode(bytes);
}
