/**
 * How the agent CLI tests (Claude Code, Gemini CLI, Codex) start a real agent: in an empty HOME and
 * working directory of its own, with a bare environment where every proxy variable points at a
 * closed loopback port (loopback itself excepted), so no test traffic leaves the machine whatever it
 * tries; leading a process group of its own, killed by its id when its deadline passes and once it
 * is done. The runners add only what differs: the binary and its arguments, the variables and
 * config files that aim the agent at the URL under test.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectOutput } from "./collect-output.ts";

/** A loopback port nothing listens on: a request sent there is refused at once. */
export const NOWHERE = "http://127.0.0.1:9";

export interface AgentDirs extends Disposable {
  readonly home: string;
  /** The agent's working directory. */
  readonly workspace: string;
}

/** A fresh, empty HOME and working directory for one run of `name`, both removed on dispose. */
export function agentDirs(name: string): AgentDirs {
  const home = mkdtempSync(join(tmpdir(), `grantpool-${name}-home-`));
  const workspace = mkdtempSync(join(tmpdir(), `grantpool-${name}-work-`));
  return {
    home,
    workspace,
    [Symbol.dispose]() {
      rmSync(home, { recursive: true, force: true });
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/**
 * The whole environment of an agent: nothing of the test's own but PATH, then `own` (the agent's
 * variables), which wins over the rest.
 */
export function bareEnv(home: string, own: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    TERM: "dumb",
    LANG: "C.UTF-8",
    HTTPS_PROXY: NOWHERE,
    HTTP_PROXY: NOWHERE,
    NO_PROXY: "127.0.0.1,localhost",
    ...own,
  };
}

export interface AgentProcessOptions {
  /** What describe() calls the program: `claude`, `gemini`, `codex`. */
  readonly name: string;
  /** What runs before the arguments: the binary, or `node` and its entry script. */
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
  /** Default 60 s. */
  readonly timeoutMs?: number | undefined;
}

export interface AgentRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** Everything, for a failing assertion's message. */
  describe(): string;
}

/** Runs the agent to its end or its deadline, whichever comes first, and collects its output. */
export async function runAgentProcess(options: AgentProcessOptions): Promise<AgentRun> {
  // setsid: the agent leads a process group of its own, so that the tools it started (a shell
  // command) are stopped with it, and none of them holds its output open after it is gone.
  const child = Bun.spawn(["setsid", ...options.command, ...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const killGroup = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is gone already.
    }
  };
  try {
    const {
      code: exitCode,
      stdout,
      stderr,
      timedOut,
    } = await collectOutput(child, options.timeoutMs ?? 60_000, killGroup);
    return {
      exitCode,
      stdout,
      stderr,
      timedOut,
      describe: () =>
        `${options.name} ${options.args.join(" ")} exited ${exitCode}${timedOut ? " (killed at its deadline)" : ""}\nstdout:\n${stdout}\nstderr:\n${stderr}`,
    };
  } finally {
    killGroup();
  }
}
