// A minimal ustar writer, just enough for image layers and an oci-archive: directories, regular
// files and symbolic links, numeric owners, no extended headers. Every field is given by the
// caller (mtime included) and entries are written in the order given, so the same entries always
// make the same bytes.

const BLOCK = 512;

/**
 * @typedef {{ path: string, type: "dir" | "file" | "symlink", mode: number, uid: number,
 *   gid: number, mtime: number, data?: Buffer, target?: string }} TarEntry
 * `path` is relative ("etc/passwd"; a directory without its trailing slash), `mtime` in seconds.
 */

function writeString(header, offset, length, value, what) {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > length) throw new Error(`Tar ${what} "${value}" is longer than ${length} bytes`);
  bytes.copy(header, offset);
}

/** An octal number in `length - 1` digits and a NUL, as ustar wants it. */
function writeOctal(header, offset, length, value) {
  const digits = value.toString(8).padStart(length - 1, "0");
  if (digits.length > length - 1) throw new Error(`Tar field value ${value} does not fit ${length} bytes`);
  header.write(`${digits}\0`, offset, "ascii");
}

const TYPE_FLAGS = { file: "0", symlink: "2", dir: "5" };

function header(entry, size) {
  const block = Buffer.alloc(BLOCK);
  const name = entry.type === "dir" ? `${entry.path}/` : entry.path;
  writeString(block, 0, 100, name, "name");
  writeOctal(block, 100, 8, entry.mode);
  writeOctal(block, 108, 8, entry.uid);
  writeOctal(block, 116, 8, entry.gid);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, entry.mtime);
  block.write(TYPE_FLAGS[entry.type], 156, "ascii");
  if (entry.type === "symlink") writeString(block, 157, 100, entry.target ?? "", "link target");
  block.write("ustar\0" + "00", 257, "ascii");
  // The checksum is summed with its own field as eight spaces, then written as six digits, NUL, space.
  block.fill(" ", 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return block;
}

/**
 * The archive's bytes as a list of chunks (file contents are not copied): a header per entry,
 * the data padded to 512 bytes, and the two zero blocks that end an archive.
 * @param {readonly TarEntry[]} entries
 * @returns {Buffer[]}
 */
export function tarChunks(entries) {
  const chunks = [];
  for (const entry of entries) {
    const data = entry.type === "file" ? (entry.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    chunks.push(header(entry, data.length));
    if (data.length > 0) {
      chunks.push(data);
      const padding = (BLOCK - (data.length % BLOCK)) % BLOCK;
      if (padding > 0) chunks.push(Buffer.alloc(padding));
    }
  }
  chunks.push(Buffer.alloc(2 * BLOCK));
  return chunks;
}

/**
 * Sorts entries by path, component by component, so that a directory comes right before what it
 * holds ("etc" < "etc/group" < "etc-old"), whatever order they were gathered in.
 * @param {readonly TarEntry[]} entries
 * @returns {TarEntry[]}
 */
export function sortedEntries(entries) {
  const key = (entry) => entry.path.split("/");
  const sorted = [...entries].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
      if (x[i] !== y[i]) return (x[i] ?? "") < (y[i] ?? "") ? -1 : 1;
    }
    return x.length - y.length;
  });
  const twice = sorted.find((entry, i) => i > 0 && sorted[i - 1]?.path === entry.path);
  if (twice !== undefined) throw new Error(`Tar entry "${twice.path}" is given twice`);
  return sorted;
}
