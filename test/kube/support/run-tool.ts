/**
 * Runs kubectl or helm against the test server as a user would: a child process with KUBECONFIG set
 * and caches kept inside the server's directory, never in the user's home.
 */
import { join } from "node:path";
import type { Subprocess } from "bun";
import { collectLines } from "../../support/collect-lines.ts";
import type { KubeEnv } from "./kube-env.ts";

export interface ToolRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ToolRunOptions {
  readonly stdin?: string;
  /** Default 60 s; the child is killed after it. */
  readonly timeoutMs?: number;
}

export function toolEnv(env: KubeEnv): Record<string, string> {
  const cache = join(env.dir, "cache");
  return {
    PATH: `${join(env.dir, "bin")}:${process.env.PATH ?? ""}`,
    HOME: process.env.HOME ?? cache,
    KUBECONFIG: env.kubeconfig,
    KUBECACHEDIR: join(cache, "kube"),
    HELM_CACHE_HOME: join(cache, "helm", "cache"),
    HELM_CONFIG_HOME: join(cache, "helm", "config"),
    HELM_DATA_HOME: join(cache, "helm", "data"),
  };
}

export async function runTool(
  env: KubeEnv,
  binary: string,
  args: readonly string[],
  options: ToolRunOptions = {},
): Promise<ToolRun> {
  const child = Bun.spawn([binary, ...args], {
    env: toolEnv(env),
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  try {
    const [stdout, stderr, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

export interface StreamingTool extends AsyncDisposable {
  /** Every complete line printed so far. */
  readonly lines: readonly string[];
  readonly child: Subprocess;
}

/** Starts a long-running process whose output lines are collected as they come. */
export function streamProcess(
  command: readonly string[],
  options: {
    readonly env?: Record<string, string>;
    readonly cwd?: string;
    readonly killSignal?: NodeJS.Signals;
  } = {},
): StreamingTool {
  const child = Bun.spawn([...command], {
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const lines: string[] = [];
  const reading = collectLines(child.stdout, lines);
  return {
    lines,
    child,
    async [Symbol.asyncDispose]() {
      child.kill(options.killSignal);
      await child.exited;
      await reading;
    },
  };
}

/** Starts a long-running command (`kubectl get --watch`) whose output lines are collected as they come. */
export function streamTool(env: KubeEnv, binary: string, args: readonly string[]): StreamingTool {
  return streamProcess([binary, ...args], { env: toolEnv(env) });
}
