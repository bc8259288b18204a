/**
 * The compiled binary for the end-to-end suite: makes sure dist/grantpool is built from the
 * current sources (scripts/build.mjs, a no-op when it is up to date) and runs it as a user would,
 * with no GRANTPOOL_* settings inherited from the test runner's environment.
 */
import { join } from "node:path";
import { type CliRun, runCommand } from "./run-cli.ts";

export const ROOT = join(import.meta.dir, "..", "..");
export const BINARY = join(ROOT, "dist", "grantpool");

export interface BuiltBinary {
  readonly path: string;
  /** The version the build injected (`<package.json version>+<short git sha>`). */
  readonly version: string;
}

/** Builds dist/grantpool unless it is up to date; fails with the build's output when it cannot. */
export async function buildBinary(): Promise<BuiltBinary> {
  const build = Bun.spawn([process.execPath, join(ROOT, "scripts", "build.mjs")], {
    cwd: ROOT,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(build.stdout).text(),
    new Response(build.stderr).text(),
    build.exited,
  ]);
  const version = /^dist\/grantpool (\S+) (?:is up to date|built in)/m.exec(stdout)?.[1];
  if (code !== 0 || version === undefined) {
    throw new Error(`npm run build failed (exit ${code}):\n${stdout}${stderr}`);
  }
  return { path: BINARY, version };
}

export interface BinaryRunOptions {
  readonly env?: Record<string, string>;
  readonly stdin?: string;
  readonly cwd?: string;
}

export function runBinary(args: readonly string[], options: BinaryRunOptions = {}): Promise<CliRun> {
  return runCommand([BINARY], args, options);
}
