/**
 * Runs the real Claude Code CLI (scripts/ensure-claude-code.mjs installs it into a cache) once,
 * non-interactively (`-p`), against a grantpool proxy: its own empty HOME and working directory,
 * a bare environment with the variables that keep it from calling anything but the base URL, and
 * every other proxy variable pointed at a closed loopback port, so no test traffic leaves the
 * machine whatever it tries. It is stopped by its pid when its deadline passes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureClaudeCode } from "../../scripts/ensure-claude-code.mjs";

export interface ClaudeCodeOptions {
  /** The proxy's URL (ANTHROPIC_BASE_URL). */
  readonly baseUrl: string;
  /** A client key of the proxy (ANTHROPIC_API_KEY). */
  readonly apiKey: string;
  /** The arguments after the binary: `-p "say hi" --output-format json`, … */
  readonly args: readonly string[];
  /** Default 60 s. */
  readonly timeoutMs?: number;
  readonly env?: Record<string, string>;
}

export interface ClaudeCodeRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** Everything, for a failing assertion's message. */
  describe(): string;
}

/** A loopback port nothing listens on: a request sent there is refused at once. */
const NOWHERE = "http://127.0.0.1:9";

export async function runClaudeCode(options: ClaudeCodeOptions): Promise<ClaudeCodeRun> {
  const binary = ensureClaudeCode();
  const home = mkdtempSync(join(tmpdir(), "grantpool-claude-home-"));
  const workspace = mkdtempSync(join(tmpdir(), "grantpool-claude-work-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    TERM: "dumb",
    LANG: "C.UTF-8",
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: options.apiKey,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
    // A failing call fails the test at once instead of after minutes of retries.
    CLAUDE_CODE_MAX_RETRIES: "0",
    HTTPS_PROXY: NOWHERE,
    HTTP_PROXY: NOWHERE,
    NO_PROXY: "127.0.0.1,localhost",
    ...options.env,
  };
  // setsid: Claude Code leads a process group of its own, so that the tools it started (a Bash
  // call's shell) are stopped with it, and none of them holds its output open after it is gone.
  const child = Bun.spawn(["setsid", binary, ...options.args], {
    cwd: workspace,
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let timedOut = false;
  const killGroup = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is gone already.
    }
  };
  const deadline = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.timeoutMs ?? 60_000);
  try {
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    return {
      exitCode,
      stdout,
      stderr,
      timedOut,
      describe: () =>
        `claude ${options.args.join(" ")} exited ${exitCode}${timedOut ? " (killed at its deadline)" : ""}\nstdout:\n${stdout}\nstderr:\n${stderr}`,
    };
  } finally {
    clearTimeout(deadline);
    killGroup();
    rmSync(home, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** The `--output-format json` result line Claude Code prints last. */
export function resultOf(
  run: ClaudeCodeRun,
): { result?: string; is_error?: boolean } & Record<string, unknown> {
  const line = run.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line) as { result?: string; is_error?: boolean };
  } catch {
    throw new Error(`Claude Code printed no JSON result; ${run.describe()}`);
  }
}
