/** Runs test/support/store-writer-child.ts as a separate process, for the cross-process store tests. */
import * as path from "node:path";

const CHILD = path.join(import.meta.dir, "store-writer-child.ts");

export interface StoreWriter {
  readonly pid: number;
  /** Resolves with the exit code (null when killed by a signal... Bun reports the signal's code). */
  readonly exited: Promise<number>;
  /** Resolves once the child has printed `count` lines equal to `line`. */
  printed(line: string, count?: number): Promise<void>;
  kill(signal: "SIGKILL" | "SIGTERM"): void;
  /** Everything the child wrote to stderr, once it has exited. */
  stderr(): Promise<string>;
}

export function spawnStoreWriter(args: readonly string[]): StoreWriter {
  const child = Bun.spawn([process.execPath, CHILD, ...args], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  const lines: string[] = [];
  let partial = "";
  let done = false;

  const readMore = async (): Promise<void> => {
    const chunk = await reader.read();
    if (chunk.done) {
      done = true;
      return;
    }
    partial += decoder.decode(chunk.value, { stream: true });
    const complete = partial.split("\n");
    partial = complete.pop() ?? "";
    lines.push(...complete);
  };

  const stderrText = new Response(child.stderr).text();
  return {
    pid: child.pid,
    exited: child.exited,
    async printed(line, count = 1) {
      while (lines.filter((l) => l === line).length < count) {
        if (done)
          throw new Error(`child exited before printing "${line}" ${count} times: ${await stderrText}`);
        await readMore();
      }
    },
    kill: (signal) => child.kill(signal),
    stderr: () => stderrText,
  };
}
