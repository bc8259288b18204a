// The shared libraries the binary loads, taken from Debian's libc6 package as dpkg installed it on
// this machine: `ldd` names them, `dpkg -L libc6` must own each of them (anything else fails the
// build: the image carries libc6 and nothing more), and each file must still match the md5sum
// dpkg recorded, so a locally changed library never ships. Paths stay where the package puts them
// (/lib/x86_64-linux-gnu/…, and the /lib64 symlink to the loader).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";

const PACKAGE = "libc6";

function run(command, args) {
  const result = spawnSync(command, args, { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
  if (result.error)
    throw new Error(`Cannot run ${command}: ${result.error.message}`, { cause: result.error });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  return result.stdout;
}

/** Every absolute path in `ldd`'s answer: the libraries and the loader itself. */
function lddPaths(binary) {
  const paths = [];
  for (const line of run("ldd", [binary]).split("\n")) {
    const found = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (found?.[1]) paths.push(found[1]);
    else if (/=>\s*not found/.test(line)) throw new Error(`ldd ${binary}: ${line.trim()}`);
  }
  if (paths.length === 0) throw new Error(`ldd ${binary} names no library (a static binary needs no libc6)`);
  return paths;
}

/** The package's architecture-qualified name (libc6:amd64), which names its dpkg info files. */
function qualifiedPackage() {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  return run("dpkg-query", ["-W", "-f=${binary:Package}", PACKAGE]).trim();
}

function recordedMd5sums(qualified) {
  const infoDir = run("dpkg-query", ["--control-path", qualified, "md5sums"]).trim();
  const sums = new Map();
  for (const line of readFileSync(infoDir, "utf8").split("\n")) {
    const [sum, path] = line.split(/\s+/, 2);
    if (sum && path) sums.set(`/${path}`, sum);
  }
  return sums;
}

/**
 * The libc6 files `binary` needs, as tar entries for the image (symlinks kept as symlinks), with
 * the package's version and its copyright file.
 * @param {string} binary
 * @param {{ mtime: number }} options
 * @returns {{ version: string, status: string, entries: import("./tar-writer.mjs").TarEntry[] }}
 */
export function debianLibc(binary, { mtime }) {
  const qualified = qualifiedPackage();
  const owned = run("dpkg-query", ["-L", qualified])
    .split("\n")
    .filter((path) => path.startsWith("/"));
  const byRealPath = new Map(
    owned.filter((path) => existsSync(path)).map((path) => [realpathSync(path), path]),
  );
  const md5sums = recordedMd5sums(qualified);
  const entries = new Map();

  const add = (packagePath) => {
    if (entries.has(packagePath)) return;
    const stat = lstatSync(packagePath);
    const common = { path: packagePath.slice(1), uid: 0, gid: 0, mtime };
    if (stat.isSymbolicLink()) {
      const target = readlinkSync(packagePath);
      entries.set(packagePath, { ...common, type: "symlink", mode: 0o777, target });
      const targetPath = isAbsolute(target) ? target : resolve(dirname(packagePath), target);
      add(ownedPath(targetPath));
      return;
    }
    const data = readFileSync(packagePath);
    const sum = createHash("md5").update(data).digest("hex");
    if (md5sums.get(packagePath) !== sum)
      throw new Error(`${packagePath} does not match the md5sum dpkg recorded for ${qualified}`);
    entries.set(packagePath, { ...common, type: "file", mode: stat.mode & 0o7777, data });
  };
  const ownedPath = (path) => {
    if (owned.includes(path)) return path;
    const packagePath = byRealPath.get(realpathSync(path));
    if (packagePath === undefined) throw new Error(`${path}, which ${binary} needs, is not from ${PACKAGE}`);
    return packagePath;
  };

  for (const path of lddPaths(binary)) add(ownedPath(path));
  add(ownedPath(join("/usr/share/doc", PACKAGE, "copyright")));
  return {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
    version: run("dpkg-query", ["-W", "-f=${Version}", qualified]).trim(),
    // What scanners read to know which libc6 the image carries (the layout distroless uses).
    status: run("dpkg-query", ["-s", qualified]),
    entries: [...entries.values()],
  };
}
