// Provides the Claude Code CLI the agent tests drive (test/integration/agents): the npm package
// `@anthropic-ai/claude-code` at a pinned version, installed with `npm install --prefix` into a
// per-user cache keyed by the version (`~/.cache/grantpool/agents/claude-code-<version>`), never
// into the project's node_modules, package.json or lock. Its platform package carries a ~400 MB
// native binary, so the first run downloads that once. Run directly, it prints the binary's path.
//
// The package's postinstall only copies that binary from the platform package over a placeholder
// (`bin/claude.exe`); where npm runs no install scripts (`ignore-scripts`), the same copy is made
// here, without running the package's code.
import { copyFileSync, existsSync, linkSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensureAgentPackage, runAsScript } from "./package-cache.mjs";

export { agentsCacheRoot } from "./package-cache.mjs";

/** The version the tests were written against (see the README's Claude Code section). */
export const CLAUDE_CODE_VERSION = "2.1.332";
const PACKAGE = "@anthropic-ai/claude-code";

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

/** @type {import("./package-cache.mjs").AgentPackage} */
const CLAUDE_CODE = {
  packageName: PACKAGE,
  cacheName: "claude-code",
  // The binary is in an optional dependency: a user's `omit=optional` would leave it out.
  npmFlags: ["--include=optional"],
  downloadSize: "~400 MB",
  binaryIn,
  repair: placePlatformBinary,
};

/**
 * The path of a runnable `claude` binary of the pinned version, installed on first use.
 * @param {{ log?: (line: string) => void, version?: string }} [options]
 * @returns {string}
 */
export function ensureClaudeCode(options = {}) {
  return ensureAgentPackage(CLAUDE_CODE, options.version ?? CLAUDE_CODE_VERSION, options.log);
}

runAsScript(import.meta.url, ensureClaudeCode);
