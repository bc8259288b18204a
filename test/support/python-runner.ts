/**
 * Runs a Python script of test/support with the pinned google-genai's virtual environment
 * (scripts/ensure-google-genai-python.mjs, made by `npm test` before the tests), in a bare
 * environment: its own HOME, no proxy or Google variables of the caller's (so the SDK's defaults
 * are what is tested), killed at a deadline. A failing run's error says what it printed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureGoogleGenaiPython } from "../../scripts/ensure-google-genai-python.mjs";
import { type CollectedOutput, collectOutput } from "./collect-output.ts";

export type PythonRun = CollectedOutput;

export async function runPythonScript(
  script: string,
  env: Record<string, string>,
  deadlineMs: number,
): Promise<PythonRun> {
  const python = ensureGoogleGenaiPython();
  const home = mkdtempSync(join(tmpdir(), "grantpool-python-"));
  try {
    const child = Bun.spawn([python, join(import.meta.dir, script)], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        NO_PROXY: "*",
        PYTHONUNBUFFERED: "1",
        ...env,
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    return await collectOutput(child, deadlineMs);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
