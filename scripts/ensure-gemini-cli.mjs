// Provides the Gemini CLI the agent tests drive (test/integration/agents): the npm package
// `@google/gemini-cli` at a pinned version, installed with `npm install --prefix` into a per-user
// cache keyed by the version (`~/.cache/grantpool/agents/gemini-cli-<version>`), never into the
// project's node_modules, package.json or lock. Its bin is a bundled JavaScript file run by Node
// (>= 20). Run directly, it prints that file's path.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { agentsCacheRoot } from "./ensure-claude-code.mjs";

/** The version the tests were written against (see the README's Gemini CLI section). */
export const GEMINI_CLI_VERSION = "0.61.0";
const PACKAGE = "@google/gemini-cli";

function entryIn(dir) {
  return join(dir, "node_modules", ...PACKAGE.split("/"), "bundle", "gemini.js");
}

function runs(entry) {
  const result = spawnSync(process.execPath, [entry, "--version"], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
}

/** Installs into a scratch directory beside the final one, checks that it runs, then renames it in. */
function install(version, log) {
  const root = agentsCacheRoot();
  const final = join(root, `gemini-cli-${version}`);
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, ".install-"));
  try {
    log(`grantpool: installing ${PACKAGE}@${version} into ${final} (first run)…`);
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
        // Its native helpers (pty, keychain) are optional and not needed by `gemini -p`.
        "--ignore-scripts",
        `${PACKAGE}@${version}`,
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    if (result.status !== 0) {
      throw new Error(`npm install ${PACKAGE}@${version} failed:\n${result.stdout}${result.stderr}`);
    }
    const check = runs(entryIn(work));
    if (!check.ok) throw new Error(`The installed ${PACKAGE} ${version} does not run:\n${check.output}`);
    try {
      renameSync(work, final);
    } catch (error) {
      // Another process finished first: its copy is as good as ours.
      if (!existsSync(entryIn(final))) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return entryIn(final);
}

/**
 * The path of the pinned Gemini CLI's entry script (run it with Node), installed on first use.
 * @param {{ log?: (line: string) => void, version?: string }} [options]
 * @returns {string}
 */
export function ensureGeminiCli(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const version = options.version ?? GEMINI_CLI_VERSION;
  const cached = entryIn(join(agentsCacheRoot(), `gemini-cli-${version}`));
  return existsSync(cached) ? cached : install(version, log);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureGeminiCli());
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
