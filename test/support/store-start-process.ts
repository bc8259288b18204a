/** Runs test/support/store-start-child.ts with a deadline: a child that hangs is killed and reported. */
import * as path from "node:path";

const CHILD = path.join(import.meta.dir, "store-start-child.ts");

export interface StartedStore {
  readonly ids: string[];
  readonly warnings: string[];
}

export async function startStoreInChild(dataDir: string, deadlineMs: number): Promise<StartedStore> {
  const child = Bun.spawn([process.execPath, CHILD, dataDir], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
  try {
    const [code, stdout, stderr] = await Promise.all([
      child.exited,
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    if (child.signalCode === "SIGKILL") throw new Error(`the store did not start within ${deadlineMs} ms`);
    if (code !== 0) throw new Error(`the store's process exited with ${code}: ${stderr}`);
    return JSON.parse(stdout) as StartedStore;
  } finally {
    clearTimeout(timer);
  }
}
