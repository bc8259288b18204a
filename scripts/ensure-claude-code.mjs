// Provides the Claude Code CLI the agent tests drive (test/integration/agents): the npm package
// `@anthropic-ai/claude-code` at a pinned version, installed with `npm install --prefix` into a
// per-user cache keyed by the version (`~/.cache/grantpool/agents/claude-code-<version>`), never
// into the project's node_modules, package.json or lock. Its platform package carries a ~400 MB
// native binary, so the first run downloads that once. Run directly, it prints the binary's path.
//
// The package's postinstall only copies that binary from the platform package over a placeholder
// (`bin/claude.exe`); where npm runs no install scripts (`ignore-scripts`), the same copy is made
// here, without running the package's code.
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The version the tests were written against (see the README's Claude Code section). */
export const CLAUDE_CODE_VERSION = "2.1.332";
const PACKAGE = "@anthropic-ai/claude-code";

/** `$GRANTPOOL_AGENTS_CACHE`, else `$XDG_CACHE_HOME/grantpool/agents`, else `~/.cache/…`. */
export function agentsCacheRoot() {
  const explicit = process.env.GRANTPOOL_AGENTS_CACHE;
  if (explicit) return explicit;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "grantpool", "agents");
}

function binaryIn(dir) {
  return join(dir, "node_modules", ...PACKAGE.split("/"), "bin", "claude.exe");
}

/** The native binary of the platform package npm chose (`@anthropic-ai/claude-code-linux-x64`, …). */
function platformBinaryIn(dir) {
  const scope = join(dir, "node_modules", "@anthropic-ai");
  for (const name of existsSync(scope) ? readdirSync(scope) : []) {
    if (!name.startsWith("claude-code-")) continue;
    for (const file of ["claude", "claude.exe"]) {
      if (existsSync(join(scope, name, file))) return join(scope, name, file);
    }
  }
  return undefined;
}

/** What the skipped postinstall would have done: the platform binary in place of the placeholder. */
function placePlatformBinary(dir) {
  const source = platformBinaryIn(dir);
  if (source === undefined) return false;
  const target = binaryIn(dir);
  rmSync(target, { force: true });
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
  return true;
}

function runs(binary) {
  const result = spawnSync(binary, ["--version"], { encoding: "utf8", timeout: 30_000 });
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
}

/** Installs into a scratch directory beside the final one, checks that it runs, then renames it in. */
function install(version, log) {
  const root = agentsCacheRoot();
  const final = join(root, `claude-code-${version}`);
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, ".install-"));
  try {
    log(`grantpool: installing ${PACKAGE}@${version} into ${final} (first run, ~400 MB)…`);
    const result = spawnSync(
      "npm",
      [
        "install",
        "--prefix",
        work,
        "--no-save",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        // The binary is in an optional dependency: a user's `omit=optional` would leave it out.
        "--include=optional",
        `${PACKAGE}@${version}`,
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    if (result.status !== 0) {
      throw new Error(`npm install ${PACKAGE}@${version} failed:\n${result.stdout}${result.stderr}`);
    }
    let check = runs(binaryIn(work));
    if (!check.ok && placePlatformBinary(work)) check = runs(binaryIn(work));
    if (!check.ok) throw new Error(`The installed ${PACKAGE} ${version} does not run:\n${check.output}`);
    try {
      renameSync(work, final);
    } catch (error) {
      // Another process finished first: its copy is as good as ours.
      if (!existsSync(binaryIn(final))) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binaryIn(final);
}

/**
 * The path of a runnable `claude` binary of the pinned version, installed on first use.
 * @param {{ log?: (line: string) => void, version?: string }} [options]
 * @returns {string}
 */
export function ensureClaudeCode(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const version = options.version ?? CLAUDE_CODE_VERSION;
  const cached = binaryIn(join(agentsCacheRoot(), `claude-code-${version}`));
  return existsSync(cached) ? cached : install(version, log);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureClaudeCode());
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
