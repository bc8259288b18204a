/**
 * Where the throughput bench's processes run when asked to pin them (`--pin`): on a machine with
 * two or more cores, every server (the stub and each proxy, all their threads) shares the first
 * core and wrk has the last one to itself. Unpinned, the scheduler moves the servers between cores
 * from round to round and a proxy's CPU per request moves by a fifth with it; pinned, two runs of
 * the same forwarder agree within about 2%, which is what comparing two commits needs. Pinned, the
 * forwarder's CPU per request drops more than grantpool's (its fetch thread and the stub share the
 * core's cache), so the ratios are not those of an unpinned run. `taskset` (util-linux) does it;
 * without it, or with one core, nothing is pinned and the report says so.
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";

export interface Pinning {
  /** The command prefix for the load generator (empty when nothing is pinned). */
  readonly loadPrefix: readonly string[];
  /** Moves a running server, every thread of it, onto the servers' core. */
  pinServer(pid: number): void;
  /** For the report: where things run. */
  readonly description: string;
}

export const UNPINNED: Pinning = {
  loadPrefix: [],
  pinServer: () => {},
  description: "not pinned",
};

export function planPinning(): Pinning {
  const cores = os.cpus().length;
  const taskset = spawnSync("taskset", ["--version"], { encoding: "utf8" });
  if (cores < 2 || taskset.status !== 0)
    return { ...UNPINNED, description: "not pinned (one core, or no taskset)" };
  const loadCore = cores - 1;
  return {
    loadPrefix: ["taskset", "-c", String(loadCore)],
    pinServer(pid) {
      const pinned = spawnSync("taskset", ["-a", "-p", "-c", "0", String(pid)], { encoding: "utf8" });
      if (pinned.status !== 0) throw new Error(`taskset could not pin process ${pid}: ${pinned.stderr}`);
    },
    description: `servers on core 0, wrk on core ${loadCore}`,
  };
}
