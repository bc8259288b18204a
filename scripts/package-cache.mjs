// Owns how the test tools that live outside the project are installed into a per-user cache: the
// cache directories (`~/.cache/grantpool/<kind>`, overridable), an install made in a scratch
// directory, checked and then renamed into `<cache>/<name>-<version>` (so a half-made install is
// never found, and two processes racing both end with a good copy), an npm package installed with
// `npm install --prefix` that way (the agent CLIs), and the "run directly, print the path" main the
// ensure-* scripts share. The scripts themselves only say what differs: package, version, where
// its binary lies and how to check that it runs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `$<override>` if set, else `$XDG_CACHE_HOME/grantpool/<kind>`, else `~/.cache/grantpool/<kind>`.
 * @param {string} override the environment variable that names the directory outright
 * @param {string} kind
 * @returns {string}
 */
export function cacheRoot(override, kind) {
  const explicit = process.env[override];
  if (explicit) return explicit;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "grantpool", kind);
}

/** `$GRANTPOOL_AGENTS_CACHE`, else `$XDG_CACHE_HOME/grantpool/agents`, else `~/.cache/…`. */
export function agentsCacheRoot() {
  return cacheRoot("GRANTPOOL_AGENTS_CACHE", "agents");
}

/** @param {string | undefined} path */
function existing(path) {
  return path !== undefined && existsSync(path) ? path : undefined;
}

/**
 * The path `find` gives in `<root>/<name>` if it exists there; otherwise `install` fills a scratch
 * directory beside it (and throws if the result does not work), which is then renamed to `<name>`.
 * @param {{
 *   root: string,
 *   name: string,
 *   what: string,
 *   find: (dir: string) => string | undefined,
 *   install: (work: string, final: string) => void,
 * }} cached `what` names the thing `find` looks for, in the error when it is missing
 * @returns {string}
 */
export function ensureCached({ root, name, what, find, install }) {
  const final = join(root, name);
  const cached = existing(find(final));
  if (cached !== undefined) return cached;
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, ".install-"));
  try {
    install(work, final);
    try {
      renameSync(work, final);
    } catch (error) {
      // Another process finished first: its copy is as good as ours.
      if (existing(find(final)) === undefined) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const installed = existing(find(final));
  if (installed === undefined) throw new Error(`No ${what} in ${final} after installing it`);
  return installed;
}

/**
 * What differs between the agent CLIs installed from npm.
 * @typedef {{
 *   packageName: string,
 *   cacheName: string,
 *   npmFlags: readonly string[],
 *   downloadSize?: string,
 *   binaryIn: (dir: string) => string | undefined,
 *   versionCheck?: (binary: string) => VersionCheck,
 *   repair?: (dir: string) => boolean,
 * }} AgentPackage
 * `cacheName` is the directory's prefix (`<cacheName>-<version>`); `npmFlags` go after the usual
 * quiet ones; `downloadSize` is said in the first-run message; `binaryIn` is where the runnable lies
 * in an install directory (undefined: none for this platform); `versionCheck` how to run it with
 * `--version` (default: exec it, 30 s); `repair`, tried once when that check fails, makes the file at
 * `binaryIn` runnable and says whether it changed anything.
 */

/** @typedef {{ command: string, args: readonly string[], timeout: number, env?: NodeJS.ProcessEnv }} VersionCheck */

/** @type {(binary: string) => VersionCheck} */
const execVersion = (binary) => ({ command: binary, args: ["--version"], timeout: 30_000 });

/** @param {VersionCheck} check */
function runs({ command, args, timeout, env }) {
  const result = spawnSync(command, args, { encoding: "utf8", timeout, ...(env ? { env } : {}) });
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
}

/** No package.json or lock written, no audit or funding notes: npm says only its errors. */
const NPM_QUIET = ["--no-save", "--no-audit", "--no-fund", "--loglevel=error"];

/**
 * @param {string} prefix
 * @param {string} spec `<package>@<version>`
 * @param {readonly string[]} flags
 */
function npmInstall(prefix, spec, flags) {
  const result = spawnSync("npm", ["install", "--prefix", prefix, ...NPM_QUIET, ...flags, spec], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.status !== 0) throw new Error(`npm install ${spec} failed:\n${result.stdout}${result.stderr}`);
}

/**
 * The runnable of `agent` at `version` in the agents cache, installed with npm on first use.
 * @param {AgentPackage} agent
 * @param {string} version
 * @param {((line: string) => void) | undefined} [log] where progress goes; default stderr
 * @returns {string}
 */
export function ensureAgentPackage(agent, version, log = (line) => console.error(line)) {
  const { packageName, binaryIn, repair } = agent;
  const versionCheck = agent.versionCheck ?? execVersion;
  const spec = `${packageName}@${version}`;
  const size = agent.downloadSize ? `, ${agent.downloadSize}` : "";
  return ensureCached({
    root: agentsCacheRoot(),
    name: `${agent.cacheName}-${version}`,
    what: `${packageName} binary`,
    find: binaryIn,
    install(work, final) {
      log(`grantpool: installing ${spec} into ${final} (first run${size})…`);
      npmInstall(work, spec, agent.npmFlags);
      const binary = binaryIn(work);
      if (binary === undefined)
        throw new Error(`npm installed ${spec} without a native binary for this platform`);
      let check = runs(versionCheck(binary));
      if (!check.ok && repair?.(work)) check = runs(versionCheck(binary));
      if (!check.ok)
        throw new Error(`The installed ${packageName} ${version} does not run:\n${check.output}`);
    },
  });
}

/**
 * When the module at `moduleUrl` is the script node was started with: prints what `ensure` returns,
 * or the error's message and exits 1.
 * @param {string} moduleUrl the caller's `import.meta.url`
 * @param {() => string} ensure
 */
export function runAsScript(moduleUrl, ensure) {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  try {
    console.log(ensure());
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
