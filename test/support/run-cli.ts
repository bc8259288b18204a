/** Runs the grantpool CLI from the sources in a child process, the way a user would. */
import { join } from "node:path";
import type { GoogleEmulator } from "./google-emulator.ts";
import { rememberSecretsOf, scanLog } from "./secret-scan.ts";

export const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly env?: Record<string, string>;
  readonly stdin?: string;
  /** The runtime command; default: this Bun. */
  readonly runtime?: readonly string[];
}

/** Settings that point grantpool at the emulator instead of Google. */
export function emulatorEnv(google: GoogleEmulator, dataDir: string): Record<string, string> {
  return {
    GRANTPOOL_DATA_DIR: dataDir,
    GRANTPOOL_OAUTH_TOKEN_URL: google.tokenUrl,
    GRANTPOOL_OAUTH_USERINFO_URL: google.userinfoUrl,
    GRANTPOOL_OAUTH_AUTH_URL: google.authUrl,
    GRANTPOOL_OAUTH_CLIENT_ID: google.clientId,
    GRANTPOOL_OAUTH_CLIENT_SECRET: google.clientSecret,
    GRANTPOOL_UPSTREAM_URL: google.upstreamUrl,
    GRANTPOOL_LOG_FORMAT: "json",
  };
}

export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  rememberSecretsOf(extra);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("GRANTPOOL_")) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs `command` (a program and its leading arguments) with `args`, collecting its output. */
export async function runCommand(
  command: readonly string[],
  args: readonly string[],
  options: CliOptions & { readonly cwd?: string } = {},
): Promise<CliRun> {
  const child = Bun.spawn([...command, ...args], {
    env: cliEnv(options.env),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  scanLog(`${[...command, ...args].slice(-3).join(" ")} (standard error)`, stderr);
  return { code, stdout, stderr };
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return runCommand([...(options.runtime ?? [process.execPath]), MAIN], args, options);
}
