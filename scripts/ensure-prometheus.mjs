// Provides the Prometheus server the telemetry tests scrape with: Debian's `prometheus` package,
// fetched with `apt-get download` and unpacked with `dpkg-deb -x` into a per-user cache keyed by
// the package version (`~/.cache/grantpool/prometheus/<version>/usr/bin/prometheus`). Nothing is
// installed into the system. Run directly, it prints the binary's path.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = "prometheus";
const BINARY = join("usr", "bin", "prometheus");

/** `$GRANTPOOL_PROMETHEUS_CACHE`, else `$XDG_CACHE_HOME/grantpool/prometheus`, else `~/.cache/…`. */
export function prometheusCacheRoot() {
  const explicit = process.env.GRANTPOOL_PROMETHEUS_CACHE;
  if (explicit) return explicit;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "grantpool", PACKAGE);
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
  if (result.error)
    throw new Error(`Cannot run ${command}: ${result.error.message}`, { cause: result.error });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

/** What the candidate depends on: the package lists and the pinning, by modification time. */
function aptStateStamp() {
  const paths = [
    "/var/lib/apt/lists",
    "/etc/apt/preferences",
    "/etc/apt/preferences.d",
    "/etc/apt/sources.list.d",
  ];
  return paths.map((path) => (existsSync(path) ? statSync(path).mtimeMs : 0)).join(" ");
}

/**
 * The version apt would install, or undefined when the package lists do not know the package.
 * `apt-cache policy` parses every list (half a second without apt's binary cache, as in Debian's
 * container images), so its answer is remembered until the lists or the pinning change.
 */
function candidateVersion({ fresh = false } = {}) {
  const memo = join(prometheusCacheRoot(), ".candidate");
  const stamp = aptStateStamp();
  const [memoStamp, memoVersion] = existsSync(memo) ? readFileSync(memo, "utf8").split("\n") : [];
  if (!fresh && memoStamp === stamp && memoVersion) return memoVersion;
  const { ok, output } = run("apt-cache", ["policy", PACKAGE]);
  const version = ok ? /^\s*Candidate:\s*(\S+)/m.exec(output)?.[1] : undefined;
  if (version === undefined || version === "(none)") return undefined;
  mkdirSync(prometheusCacheRoot(), { recursive: true });
  // Written aside and renamed, so a reader never sees half a version.
  writeFileSync(`${memo}.${process.pid}`, `${stamp}\n${version}`);
  renameSync(`${memo}.${process.pid}`, memo);
  return version;
}

/** A version directory is complete only once renamed into place, so its binary is whole. */
function cachedBinary(version) {
  const binary = join(prometheusCacheRoot(), version, BINARY);
  return existsSync(binary) ? binary : undefined;
}

function newestCachedBinary() {
  const root = prometheusCacheRoot();
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((name) => !name.startsWith(".") && cachedBinary(name));
  const newest = versions.sort((a, b) => a.localeCompare(b, "en", { numeric: true })).at(-1);
  return newest === undefined ? undefined : cachedBinary(newest);
}

function aptGetUpdate() {
  const update = run("apt-get", ["update", "-q"]);
  if (!update.ok) throw new Error(`apt-get update failed:\n${update.output}`);
}

/** Downloads the .deb of `version` into `dir`; undefined when apt cannot fetch it. */
function download(version, dir) {
  const result = run("apt-get", ["download", "-q", `${PACKAGE}=${version}`], dir);
  const deb = readdirSync(dir).find((name) => name.startsWith(`${PACKAGE}_`) && name.endsWith(".deb"));
  if (!result.ok || deb === undefined) return { error: result.output };
  return { deb: join(dir, deb) };
}

/** Unpacks `deb` beside its final place, checks that it runs, then renames it in: never half there. */
function unpack(deb, version) {
  const root = prometheusCacheRoot();
  const work = mkdtempSync(join(root, ".unpack-"));
  try {
    const tree = join(work, "tree");
    const unpacked = run("dpkg-deb", ["-x", deb, tree]);
    if (!unpacked.ok) throw new Error(`dpkg-deb -x ${deb} failed:\n${unpacked.output}`);
    const check = run(join(tree, BINARY), ["--version"]);
    if (!check.ok) throw new Error(`The unpacked ${PACKAGE} ${version} does not run:\n${check.output}`);
    try {
      renameSync(tree, join(root, version));
    } catch (error) {
      // Another process finished first: its copy is as good as ours.
      if (cachedBinary(version) === undefined) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const binary = cachedBinary(version);
  if (binary === undefined) throw new Error(`${PACKAGE} ${version} is missing from ${root} after unpacking`);
  return binary;
}

function install(version, log) {
  mkdirSync(prometheusCacheRoot(), { recursive: true });
  const downloads = mkdtempSync(join(tmpdir(), "grantpool-prometheus-"));
  // apt drops privileges to `_apt` for downloads; it writes only into a directory it can reach.
  chmodSync(downloads, 0o755);
  try {
    log(`grantpool: fetching Debian's ${PACKAGE} ${version} into ${prometheusCacheRoot()} (first run)…`);
    let fetched = download(version, downloads);
    if (fetched.deb === undefined) {
      // Stale package lists name a file the mirror no longer has: refresh them once, and take
      // the version they now offer.
      aptGetUpdate();
      version = candidateVersion({ fresh: true }) ?? version;
      const cached = cachedBinary(version);
      if (cached !== undefined) return cached;
      fetched = download(version, downloads);
    }
    if (fetched.deb === undefined)
      throw new Error(`apt-get download ${PACKAGE}=${version} failed:\n${fetched.error}`);
    return unpack(fetched.deb, version);
  } finally {
    rmSync(downloads, { recursive: true, force: true });
  }
}

/**
 * The path of a runnable `prometheus` binary from Debian's package, downloading and unpacking it
 * on first use. Cached runs read two small files (and call `apt-cache policy` after the package
 * lists changed).
 * @param {{ log?: (line: string) => void }} [options] where progress goes; default stderr
 * @returns {string}
 */
export function ensurePrometheus(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  let version = candidateVersion();
  if (version === undefined) {
    // No package lists (a fresh container): a cached copy will do; else fetch the lists once.
    const cached = newestCachedBinary();
    if (cached !== undefined) return cached;
    aptGetUpdate();
    version = candidateVersion();
    if (version === undefined) throw new Error(`apt knows no package "${PACKAGE}" even after apt-get update`);
  }
  return cachedBinary(version) ?? install(version, log);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensurePrometheus());
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
