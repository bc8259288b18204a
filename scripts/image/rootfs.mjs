// The image's one layer: the grantpool binary, the libc6 files it loads, the users it runs as and
// the directories it writes to. Owners and modes are spelled out here, never copied from this
// machine, and every entry carries the same mtime, so the layer is a function of its inputs.
import { readFileSync } from "node:fs";
import { debianLibc } from "./debian-libc.mjs";
import { sortedEntries } from "./tar-writer.mjs";

/** The user (and group) the image runs as, as in distroless images. */
export const NONROOT = { name: "nonroot", id: 65532, home: "/home/nonroot" };
export const BINARY_PATH = "/usr/local/bin/grantpool";
export const DATA_DIR = "/data";

const PASSWD = [
  "root:x:0:0:root:/root:/sbin/nologin",
  `${NONROOT.name}:x:${NONROOT.id}:${NONROOT.id}:${NONROOT.name}:${NONROOT.home}:/sbin/nologin`,
];
const GROUP = ["root:x:0:", `${NONROOT.name}:x:${NONROOT.id}:`];
// Without this file glibc would ask DNS before /etc/hosts; runtimes mount both of those files.
const NSSWITCH = ["passwd: files", "group: files", "hosts: files dns"];

function lines(list) {
  return Buffer.from(`${list.join("\n")}\n`);
}

/** Which Debian release the libraries come from, for scanners (the image is not Debian otherwise). */
function osRelease(libcVersion) {
  const host = readFileSync("/etc/os-release", "utf8");
  const keep = host
    .split("\n")
    .filter((line) => /^(NAME|ID|VERSION_ID|VERSION|VERSION_CODENAME)=/.test(line));
  return lines([`PRETTY_NAME="grantpool (libc6 ${libcVersion} from Debian)"`, ...keep]);
}

/**
 * Every entry of the layer, sorted.
 * @param {{ binary: string, mtime: number }} options `binary` is the compiled grantpool
 * @returns {{ libcVersion: string, entries: import("./tar-writer.mjs").TarEntry[] }}
 */
export function imageRootfs({ binary, mtime }) {
  const libc = debianLibc(binary, { mtime });
  const root = { uid: 0, gid: 0, mtime };
  const nonroot = { uid: NONROOT.id, gid: NONROOT.id, mtime };
  const dir = (path, mode = 0o755, owner = root) => ({ ...owner, path, type: "dir", mode });
  const file = (path, data, mode = 0o644) => ({ ...root, path, type: "file", mode, data });

  const entries = [
    ...libc.entries,
    file(BINARY_PATH.slice(1), readFileSync(binary), 0o755),
    file("etc/passwd", lines(PASSWD)),
    file("etc/group", lines(GROUP)),
    file("etc/nsswitch.conf", lines(NSSWITCH)),
    file("etc/os-release", osRelease(libc.version)),
    file("var/lib/dpkg/status.d/libc6", Buffer.from(libc.status)),
    dir("tmp", 0o1777),
    dir("root", 0o700),
    dir(NONROOT.home.slice(1), 0o700, nonroot),
    dir(DATA_DIR.slice(1), 0o700, nonroot),
  ];
  return { libcVersion: libc.version, entries: sortedEntries(withParents(entries, root)) };
}

/** Adds a root-owned 0755 directory for every parent that has no entry of its own. */
function withParents(entries, owner) {
  const paths = new Set(entries.map((entry) => entry.path));
  const parents = [];
  for (const entry of entries) {
    const parts = entry.path.split("/");
    for (let i = 1; i < parts.length; i += 1) {
      const parent = parts.slice(0, i).join("/");
      if (!paths.has(parent)) {
        paths.add(parent);
        parents.push({ ...owner, path: parent, type: "dir", mode: 0o755 });
      }
    }
  }
  return [...entries, ...parents];
}
