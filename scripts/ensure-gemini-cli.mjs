// Provides the Gemini CLI the agent tests drive (test/integration/agents): the npm package
// `@google/gemini-cli` at a pinned version, installed with `npm install --prefix` into a per-user
// cache keyed by the version (`~/.cache/grantpool/agents/gemini-cli-<version>`), never into the
// project's node_modules, package.json or lock. Its bin is a bundled JavaScript file run by Node
// (>= 20). Run directly, it prints that file's path.
import { join } from "node:path";
import { ensureAgentPackage, runAsScript } from "./package-cache.mjs";

/** The version the tests were written against (see the README's Gemini CLI section). */
export const GEMINI_CLI_VERSION = "0.61.0";
const PACKAGE = "@google/gemini-cli";

/** @type {import("./package-cache.mjs").AgentPackage} */
const GEMINI_CLI = {
  packageName: PACKAGE,
  cacheName: "gemini-cli",
  // Its native helpers (pty, keychain) are optional and not needed by `gemini -p`.
  npmFlags: ["--ignore-scripts"],
  binaryIn: (dir) => join(dir, "node_modules", ...PACKAGE.split("/"), "bundle", "gemini.js"),
  versionCheck: (entry) => ({
    command: process.execPath,
    args: [entry, "--version"],
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: "1" },
  }),
};

/**
 * The path of the pinned Gemini CLI's entry script (run it with Node), installed on first use.
 * @param {{ log?: (line: string) => void, version?: string }} [options]
 * @returns {string}
 */
export function ensureGeminiCli(options = {}) {
  return ensureAgentPackage(GEMINI_CLI, options.version ?? GEMINI_CLI_VERSION, options.log);
}

runAsScript(import.meta.url, ensureGeminiCli);
