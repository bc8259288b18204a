// Provides the Codex CLI the agent tests drive (test/integration/agents): the npm package
// `@openai/codex` at a pinned version, installed with `npm install --prefix` into the per-user
// agents cache beside Claude Code (`~/.cache/grantpool/agents/codex-<version>`), never into the
// project's node_modules, package.json or lock. Run directly, it prints the binary's path.
//
// The package's `bin/codex.js` is only a Node launcher: it finds the native binary in the platform
// package npm chose (`@openai/codex-linux-x64`, an alias of `@openai/codex@<version>-linux-x64`)
// under `vendor/<target triple>/bin/codex` and execs it. The tests run that binary directly, so
// that the process they stop at a deadline is Codex itself, not a launcher in front of it.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { agentsCacheRoot } from "./ensure-claude-code.mjs";

/** The version the tests were written against (see the README's Codex section). */
export const CODEX_VERSION = "0.171.0";
const PACKAGE = "@openai/codex";

/** The native binary of the platform package in an install directory, if there is one. */
function binaryIn(dir) {
  const scope = join(dir, "node_modules", "@openai");
  for (const name of existsSync(scope) ? readdirSync(scope) : []) {
    if (!name.startsWith("codex-")) continue;
    const vendor = join(scope, name, "vendor");
    for (const triple of existsSync(vendor) ? readdirSync(vendor) : []) {
      for (const file of ["codex", "codex.exe"]) {
        const binary = join(vendor, triple, "bin", file);
        if (existsSync(binary)) return binary;
      }
    }
  }
  return undefined;
}

function runs(binary) {
  const result = spawnSync(binary, ["--version"], { encoding: "utf8", timeout: 30_000 });
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
}

/** Installs into a scratch directory beside the final one, checks that it runs, then renames it in. */
function install(version, log) {
  const root = agentsCacheRoot();
  const final = join(root, `codex-${version}`);
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
    const binary = binaryIn(work);
    if (binary === undefined) {
      throw new Error(`npm installed ${PACKAGE}@${version} without a native binary for this platform`);
    }
    const check = runs(binary);
    if (!check.ok) throw new Error(`The installed ${PACKAGE} ${version} does not run:\n${check.output}`);
    try {
      renameSync(work, final);
    } catch (error) {
      // Another process finished first: its copy is as good as ours.
      if (binaryIn(final) === undefined) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const installed = binaryIn(final);
  if (installed === undefined) throw new Error(`No ${PACKAGE} binary in ${final} after installing it`);
  return installed;
}

/**
 * The path of a runnable native `codex` binary of the pinned version, installed on first use.
 * @param {{ log?: (line: string) => void, version?: string }} [options]
 * @returns {string}
 */
export function ensureCodex(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const version = options.version ?? CODEX_VERSION;
  return binaryIn(join(agentsCacheRoot(), `codex-${version}`)) ?? install(version, log);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureCodex());
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
