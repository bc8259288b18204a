/**
 * A real Prometheus (Debian's package, see scripts/ensure-prometheus.mjs) scraping the given
 * targets, on a port the kernel picked, with its config and TSDB in a temporary directory that
 * `stop` removes. It dies with the test process (parent-death signal via `setpriv`).
 */
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { ensurePrometheus } from "../../scripts/ensure-prometheus.mjs";
import { collectLines } from "./collect-lines.ts";
import {
  describeTargets,
  type PromSeries,
  prometheusLabelValues,
  queryPrometheus,
} from "./prometheus-api.ts";
import { type WaitForOptions, waitFor } from "./wait-for.ts";

export interface PrometheusOptions {
  /** `host:port` of each endpoint to scrape, e.g. `127.0.0.1:41234`. */
  readonly targets: readonly string[];
  /** Default 1. */
  readonly scrapeIntervalSeconds?: number;
  /** Default `/metrics`. */
  readonly metricsPath?: string;
  /** The `job` label of every target; default `grantpool`. */
  readonly job?: string;
  /** Default 30 000 ms (a cold TSDB start on a busy machine). */
  readonly startTimeoutMs?: number;
}

/** Default timeout 15 000 ms, polled every 50 ms. */
export type ScrapeWaitOptions = Pick<WaitForOptions, "timeoutMs" | "intervalMs">;

export interface PrometheusServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly pid: number;
  readonly job: string;
  /** Prometheus's own log (stderr and stdout), for failure messages. */
  readonly logLines: readonly string[];
  /** `/api/v1/query`; throws with Prometheus's error text when it rejects the expression. */
  query(promql: string, time?: Date): Promise<PromSeries[]>;
  /** `/api/v1/label/<label>/values`, optionally only of the series `selector` matches. */
  labelValues(label: string, selector?: string): Promise<string[]>;
  /**
   * Waits until every target has been scraped successfully at least `count` times in all. The
   * first scrape comes about 5 s after start: Prometheus 2.42 applies new targets on a 5 s tick.
   */
  waitForScrapes(count?: number, options?: ScrapeWaitOptions): Promise<void>;
  /**
   * Waits until every target has a successful scrape that started at or after `since` (default:
   * now), so that whatever the targets exposed by then is queryable.
   */
  waitForScrapeAfter(since?: Date, options?: ScrapeWaitOptions): Promise<void>;
  /** Stops Prometheus and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

/** A /proc directory's entries, or none once the process is gone: it may exit while we look. */
function procEntries(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function procText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/**
 * The TCP ports `pid` listens on: its socket inodes (/proc/<pid>/fd) matched against the LISTEN
 * (state 0A) rows of its network namespace's tables. Prometheus does not log the port it got.
 */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of procEntries(`/proc/${pid}/fd`)) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      if (inode !== undefined) inodes.add(inode);
    } catch {
      // The descriptor closed while we listed them.
    }
  }
  const ports: number[] = [];
  for (const table of ["tcp", "tcp6"]) {
    const rows = procText(`/proc/${pid}/net/${table}`).split("\n").slice(1);
    for (const row of rows) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = row.trim().split(/\s+/);
      const port = fields[1]?.split(":")[1];
      if (fields[3] === "0A" && port !== undefined && inodes.has(fields[9] ?? ""))
        ports.push(parseInt(port, 16));
    }
  }
  return ports;
}

function writeConfig(dir: string, options: PrometheusOptions, job: string): string {
  // Prometheus durations take no fractions: 0.5 s is written 500ms.
  const interval = `${Math.round((options.scrapeIntervalSeconds ?? 1) * 1000)}ms`;
  // JSON is YAML: no YAML writer needed.
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: [
      {
        job_name: job,
        metrics_path: options.metricsPath ?? "/metrics",
        static_configs: [{ targets: [...options.targets] }],
      },
    ],
  };
  const file = join(dir, "prometheus.yml");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

function spawnPrometheus(binary: string, dir: string, config: string, logLines: string[]) {
  const args = [
    binary,
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    "--storage.tsdb.retention.time=1h",
    "--web.listen-address=127.0.0.1:0",
  ];
  // Without it a killed test run would leave Prometheus running: Bun sets no parent-death signal.
  const setpriv = Bun.which("setpriv");
  const command = setpriv === null ? args : [setpriv, "--pdeathsig", "KILL", "--", ...args];
  const child = Bun.spawn(command, { cwd: dir, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const output = Promise.all([collectLines(child.stdout, logLines), collectLines(child.stderr, logLines)]);
  return { child, output };
}

function logTail(logLines: readonly string[]): string {
  return logLines.slice(-40).join("\n");
}

async function findReadyUrl(
  child: Subprocess,
  logLines: readonly string[],
  timeoutMs: number,
): Promise<string> {
  const exited = () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      const how = child.exitCode ?? child.signalCode;
      throw new Error(`Prometheus exited (${how}) while starting; its log:\n${logTail(logLines)}`);
    }
  };
  const port = await waitFor(
    () => {
      exited();
      return listeningPorts(child.pid)[0];
    },
    { timeoutMs, intervalMs: 20, message: () => `Prometheus to listen; its log:\n${logTail(logLines)}` },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      exited();
      const ready = await fetch(`${url}/-/ready`).catch(() => undefined);
      return ready?.status === 200;
    },
    {
      timeoutMs,
      intervalMs: 20,
      message: () => `Prometheus at ${url} to be ready; its log:\n${logTail(logLines)}`,
    },
  );
  return url;
}

/** Polls `promql` (one series per instance) until its value satisfies `ok` for every target. */
async function waitForEveryTarget(
  server: { readonly url: string; readonly targets: readonly string[]; readonly logLines: readonly string[] },
  check: { readonly promql: string; readonly ok: (value: number) => boolean; readonly what: string },
  options: ScrapeWaitOptions,
): Promise<void> {
  let targets = "(not asked yet)";
  await waitFor(
    async () => {
      targets = await describeTargets(server.url);
      const series = await queryPrometheus(server.url, check.promql);
      const byInstance = new Map(series.map((s) => [s.metric.instance, Number(s.value?.[1])]));
      return server.targets.every((target) => {
        const value = byInstance.get(target);
        return value !== undefined && check.ok(value);
      });
    },
    {
      timeoutMs: options.timeoutMs ?? 15_000,
      intervalMs: options.intervalMs ?? 50,
      message: () => `${check.what}; targets:\n${targets}\nPrometheus log:\n${logTail(server.logLines)}`,
    },
  );
}

export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const binary = ensurePrometheus();
  const job = options.job ?? "grantpool";
  const dir = mkdtempSync(join(tmpdir(), "grantpool-prometheus-"));
  const logLines: string[] = [];
  const { child, output } = spawnPrometheus(binary, dir, writeConfig(dir, options, job), logLines);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      child.kill("SIGTERM");
      const forced = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await child.exited;
      clearTimeout(forced);
      await output;
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
  let url: string;
  try {
    url = await findReadyUrl(child, logLines, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const server = { url, targets: options.targets, logLines };
  const up = `up{job=${JSON.stringify(job)}}`;
  return {
    url,
    pid: child.pid,
    job,
    logLines,
    query: (promql, time) => queryPrometheus(url, promql, time),
    labelValues: (label, selector) => prometheusLabelValues(url, label, selector),
    waitForScrapes: (count = 1, waitOptions = {}) =>
      waitForEveryTarget(
        server,
        {
          promql: `sum by (instance) (sum_over_time(${up}[1d]))`,
          ok: (scrapes) => scrapes >= count,
          what: `${count} successful scrape(s) of every target`,
        },
        waitOptions,
      ),
    waitForScrapeAfter: (since = new Date(), waitOptions = {}) =>
      waitForEveryTarget(
        server,
        {
          // timestamp() reads a sample's own time only from a plain selector; `and` keeps the successes.
          promql: `timestamp(${up}) and ${up} == 1`,
          ok: (startedAt) => startedAt * 1000 >= since.getTime(),
          what: `a successful scrape of every target started at or after ${since.toISOString()}`,
        },
        waitOptions,
      ),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
