/**
 * A `grantpool proxy` (or `operator`) child process on port 0; its log lines are kept and its URL
 * read from its start-up line.
 */
import type { Subprocess } from "bun";
import { collectLines } from "./collect-lines.ts";
import { cliEnv, MAIN } from "./run-cli.ts";
import { scanLog } from "./secret-scan.ts";
import { waitFor } from "./wait-for.ts";

export interface ProxyProcess extends AsyncDisposable {
  readonly url: string;
  readonly logLines: string[];
  readonly child: Subprocess;
  stop(): Promise<number>;
}

export async function startProxyProcess(
  env: Record<string, string>,
  options: {
    command?: readonly string[];
    args?: readonly string[];
    readyHeaders?: Record<string, string>;
    /** Default: the proxy on port 0. */
    subcommand?: readonly string[];
  } = {},
): Promise<ProxyProcess> {
  const logLines: string[] = [];
  const command = options.command ?? [process.execPath, MAIN];
  const subcommand = options.subcommand ?? ["proxy", "--port", "0"];
  const child = Bun.spawn([...command, ...subcommand, ...(options.args ?? [])], {
    env: cliEnv(env),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const done = Promise.all([collectLines(child.stdout, logLines), collectLines(child.stderr, logLines)]);
  let url: string;
  try {
    url = await waitFor(
      () =>
        logLines
          .map((line) => {
            const proxy = /listening on (http:\/\/\S+?)"/.exec(line)?.[1];
            const operator = /operator watching .*"port":(\d+)/.exec(line)?.[1];
            return proxy ?? (operator === undefined ? undefined : `http://127.0.0.1:${operator}`);
          })
          .find((found) => found !== undefined),
      { timeoutMs: 15_000, message: () => `the process to listen; its output:\n${logLines.join("\n")}` },
    );
    const headers = options.readyHeaders ?? {};
    await waitFor(async () => (await fetch(`${url}/readyz`, { headers })).status === 200, {
      timeoutMs: 15_000,
      message: () => `the process to be ready; its output:\n${logLines.join("\n")}`,
    });
  } catch (error) {
    // A process that never became ready is nobody's to stop later: stop it here.
    child.kill("SIGKILL");
    await child.exited;
    throw error;
  }
  const stop = async (): Promise<number> => {
    child.kill("SIGTERM");
    const code = await child.exited;
    await done;
    scanLog(`${subcommand.join(" ")} process`, logLines.join("\n"));
    return code;
  };
  return { url, logLines, child, stop, [Symbol.asyncDispose]: async () => void (await stop()) };
}
