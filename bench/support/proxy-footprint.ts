/**
 * The whole proxy on a file store, as users start it: `grantpool proxy` (src/main.ts under the
 * pinned Bun, default settings, metrics on) over a data directory of account files. Start to
 * ready is timed from the spawn to the first 200 from /readyz; the resident memory is read from
 * /proc once the process is ready and its RSS has settled (the load's garbage collected), so the
 * difference between two sizes is what each account costs the running program — store, pool and
 * all — not one part measured alone.
 */
import { readFileSync } from "node:fs";
import { startProxyProcess } from "../../test/support/proxy-process.ts";

export interface ProxyFootprint {
  readonly count: number;
  readonly readyMs: number;
  /** Resident set size in bytes, once settled. */
  readonly rss: number;
}

const SETTLE_STEP_MS = 250;
const SETTLE_DEADLINE_MS = 10_000;

function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1] ?? Number.NaN) * 1024;
}

/** Reads the RSS until two readings a step apart differ by less than 0.5% (or the deadline passes). */
async function settledRss(pid: number): Promise<number> {
  const until = performance.now() + SETTLE_DEADLINE_MS;
  let last = residentBytes(pid);
  while (performance.now() < until) {
    await Bun.sleep(SETTLE_STEP_MS);
    const now = residentBytes(pid);
    if (Math.abs(now - last) < last * 0.005) return now;
    last = now;
  }
  return last;
}

export async function measureProxyFootprint(dataDir: string, count: number): Promise<ProxyFootprint> {
  const started = performance.now();
  await using proxy = await startProxyProcess({
    GRANTPOOL_DATA_DIR: dataDir,
    // Never called: the accounts' tokens outlive the bench, and nothing is sent upstream.
    GRANTPOOL_UPSTREAM_URL: "http://127.0.0.1:9",
    GRANTPOOL_OAUTH_CLIENT_ID: "bench-client",
    GRANTPOOL_OAUTH_CLIENT_SECRET: "bench-client-secret",
    GRANTPOOL_LOG_FORMAT: "json",
  });
  const readyMs = performance.now() - started;
  return { count, readyMs, rss: await settledRss(proxy.child.pid) };
}
