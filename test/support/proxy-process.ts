/** A `grantpool proxy` child process on port 0; its log lines are kept and its URL read from them. */
import type { Subprocess } from "bun";
import { cliEnv, MAIN } from "./run-cli.ts";
import { waitFor } from "./wait-for.ts";

export interface ProxyProcess extends AsyncDisposable {
  readonly url: string;
  readonly logLines: string[];
  readonly child: Subprocess;
  stop(): Promise<number>;
}

async function collectLines(stream: ReadableStream<Uint8Array>, into: string[]): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    into.push(...lines.filter((line) => line !== ""));
  }
  if (buffer !== "") into.push(buffer);
}

export async function startProxyProcess(
  env: Record<string, string>,
  options: {
    command?: readonly string[];
    args?: readonly string[];
    readyHeaders?: Record<string, string>;
  } = {},
): Promise<ProxyProcess> {
  const logLines: string[] = [];
  const command = options.command ?? [process.execPath, MAIN];
  const child = Bun.spawn([...command, "proxy", "--port", "0", ...(options.args ?? [])], {
    env: cliEnv(env),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const done = Promise.all([collectLines(child.stdout, logLines), collectLines(child.stderr, logLines)]);
  const listening = await waitFor(
    () =>
      logLines
        .map((line) => /listening on (http:\/\/\S+?)"/.exec(line)?.[1])
        .find((url) => url !== undefined),
    { timeoutMs: 15_000, message: () => `the proxy to listen; its output:\n${logLines.join("\n")}` },
  );
  const url = listening;
  const headers = options.readyHeaders ?? {};
  await waitFor(async () => (await fetch(`${url}/readyz`, { headers })).status === 200, {
    message: "the proxy to be ready",
  });
  const stop = async (): Promise<number> => {
    child.kill("SIGTERM");
    const code = await child.exited;
    await done;
    return code;
  };
  return { url, logLines, child, stop, [Symbol.asyncDispose]: async () => void (await stop()) };
}
