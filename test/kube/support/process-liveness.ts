/**
 * Whether a process runs, for processes that are not our children (a detached server started by an
 * earlier command). A zombie counts as gone: it has exited and only waits for its parent.
 */
import { readFileSync } from "node:fs";

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state follows the command name, which is in parentheses and may itself hold spaces.
    return stat.slice(stat.lastIndexOf(")") + 1).trim()[0] !== "Z";
  } catch {
    return true; // no /proc: kill(pid, 0) is all there is
  }
}

/** Resolves true once `pid` is gone, false when it still runs after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((done) => setTimeout(done, 50));
  }
  return true;
}
