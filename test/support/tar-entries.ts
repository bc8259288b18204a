/**
 * Reads a ustar archive (an image layer, an oci-archive) into its entries, header fields as
 * written, for tests that check what an archive holds. Only what our writer emits is understood:
 * regular files, directories and symbolic links with ustar headers; anything else is an error.
 */
const BLOCK = 512;
const TYPES = new Map([
  ["0", "file"],
  ["2", "symlink"],
  ["5", "dir"],
] as const);

export interface TarEntry {
  /** As written: directories end with "/". */
  readonly name: string;
  readonly type: "file" | "dir" | "symlink";
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  readonly linkTarget: string;
  readonly data: Uint8Array;
}

function text(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end === -1 ? field : field.subarray(0, end));
}

function octal(block: Uint8Array, offset: number, length: number): number {
  return Number.parseInt(text(block, offset, length).trim() || "0", 8);
}

function checksumOf(block: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum;
}

export function readTarEntries(archive: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const block = archive.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) return entries;
    if (text(block, 257, 6) !== "ustar" || octal(block, 148, 8) !== checksumOf(block)) {
      throw new Error(`Not a valid ustar header at byte ${offset}`);
    }
    const typeFlag = text(block, 156, 1);
    const type = TYPES.get(typeFlag as "0" | "2" | "5");
    if (type === undefined) throw new Error(`Unexpected tar entry type "${typeFlag}" at byte ${offset}`);
    const prefix = text(block, 345, 155);
    const size = octal(block, 124, 12);
    const start = offset + BLOCK;
    entries.push({
      name: prefix === "" ? text(block, 0, 100) : `${prefix}/${text(block, 0, 100)}`,
      type,
      mode: octal(block, 100, 8),
      uid: octal(block, 108, 8),
      gid: octal(block, 116, 8),
      mtime: octal(block, 136, 12),
      linkTarget: text(block, 157, 100),
      data: archive.subarray(start, start + size),
    });
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new Error("The archive ends without its two zero blocks");
}
