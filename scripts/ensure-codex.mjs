// Provides the Codex CLI the agent tests drive (test/integration/agents): the npm package
// `@openai/codex` at a pinned version, installed with `npm install --prefix` into the per-user
// agents cache beside Claude Code (`~/.cache/grantpool/agents/codex-<version>`), never into the
// project's node_modules, package.json or lock. Run directly, it prints the binary's path.
//
// The package's `bin/codex.js` is only a Node launcher: it finds the native binary in the platform
// package npm chose (`@openai/codex-linux-x64`, an alias of `@openai/codex@<version>-linux-x64`)
// under `vendor/<target triple>/bin/codex` and execs it. The tests run that binary directly, so
// that the process they stop at a deadline is Codex itself, not a launcher in front of it.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ensureAgentPackage, runAsScript } from "./package-cache.mjs";

/** The version the tests were written against (see the README's Codex section). */
export const CODEX_VERSION = "0.171.0";

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

/** @type {import("./package-cache.mjs").AgentPackage} */
const CODEX = {
  packageName: "@openai/codex",
  cacheName: "codex",
  // The binary is in an optional dependency: a user's `omit=optional` would leave it out.
  npmFlags: ["--include=optional"],
  downloadSize: "~400 MB",
  binaryIn,
};

/**
 * The path of a runnable native `codex` binary of the pinned version, installed on first use.
 * @param {{ log?: (line: string) => void, version?: string }} [options]
 * @returns {string}
 */
export function ensureCodex(options = {}) {
  return ensureAgentPackage(CODEX, options.version ?? CODEX_VERSION, options.log);
}

runAsScript(import.meta.url, ensureCodex);
