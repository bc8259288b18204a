// Types for tar-writer.mjs (plain JavaScript, run by Node alone).

export interface TarEntry {
  readonly path: string;
  readonly type: "dir" | "file" | "symlink";
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly data?: Buffer;
  readonly target?: string;
}

export function tarChunks(entries: readonly TarEntry[]): Buffer[];
export function sortedEntries(entries: readonly TarEntry[]): TarEntry[];
