/**
 * Runs the real Claude Code CLI (scripts/ensure-claude-code.mjs installs it into a cache) once,
 * non-interactively (`-p`), against a grantpool proxy, isolated as agent-process.ts describes; what
 * is its own here are the variables that point it at the base URL and keep it from calling
 * anything else.
 */
import { ensureClaudeCode } from "../../scripts/ensure-claude-code.mjs";
import { type AgentRun, agentDirs, bareEnv, runAgentProcess } from "./agent-process.ts";

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

export type ClaudeCodeRun = AgentRun;

export async function runClaudeCode(options: ClaudeCodeOptions): Promise<ClaudeCodeRun> {
  const binary = ensureClaudeCode();
  using dirs = agentDirs("claude");
  const env = bareEnv(dirs.home, {
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: options.apiKey,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
    // A failing call fails the test at once instead of after minutes of retries.
    CLAUDE_CODE_MAX_RETRIES: "0",
    ...options.env,
  });
  return await runAgentProcess({
    name: "claude",
    command: [binary],
    args: options.args,
    cwd: dirs.workspace,
    env,
    timeoutMs: options.timeoutMs,
  });
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
