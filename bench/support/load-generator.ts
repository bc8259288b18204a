/**
 * The throughput bench's load: wrk (Debian's package, installed on first use), POSTing a Gemini
 * request of a given size over a given number of kept-alive connections from one thread, with
 * `wrk-post.lua` printing the raw figures as one JSON line.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureDebianPackages } from "../../scripts/ensure-debian-packages.mjs";

const SCRIPT = join(import.meta.dir, "wrk-post.lua");

export interface WrkFigures {
  readonly requests: number;
  readonly durationUs: number;
  readonly bytes: number;
  readonly errors: {
    readonly connect: number;
    readonly read: number;
    readonly write: number;
    /** Replies whose status was not 2xx or 3xx. */
    readonly status: number;
    readonly timeout: number;
  };
  readonly latencyUs: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly mean: number;
    readonly max: number;
  };
}

export interface WrkRun {
  /** Run wrk under this prefix (the bench's CPU pinning); none by default. */
  readonly prefix?: readonly string[];
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly bodyFile: string;
  readonly clientKey: string;
}

/** Installs wrk when missing; returns its version line. */
export function ensureWrk(): string {
  ensureDebianPackages(["wrk"], { purpose: "the throughput bench" });
  const version = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  return `${version.stdout}${version.stderr}`.split("\n")[0]?.trim() ?? "wrk";
}

/** A Gemini request of exactly `bytes` bytes: one user turn with one long text part. */
export function geminiRequestOfSize(bytes: number): string {
  const empty = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "" }] }] });
  const words = "the quick brown fox jumps over the lazy dog ";
  const text = words.repeat(Math.ceil(bytes / words.length)).slice(0, bytes - empty.length);
  return JSON.stringify({ contents: [{ role: "user", parts: [{ text }] }] });
}

/** Writes the request of `bytes` bytes into `dir`; returns the file's path. */
export function writeRequestFile(dir: string, bytes: number): string {
  const path = join(dir, `request-${bytes}.json`);
  writeFileSync(path, geminiRequestOfSize(bytes));
  return path;
}

/** Runs wrk once; fails with its output when it does not report, or any request failed. */
export async function runWrk(run: WrkRun): Promise<WrkFigures> {
  const child = Bun.spawn(
    [
      ...(run.prefix ?? []),
      "wrk",
      "-t1",
      `-c${run.connections}`,
      `-d${run.seconds}s`,
      "--timeout",
      "10s",
      "-s",
      SCRIPT,
      run.url,
      "--",
      run.bodyFile,
      run.clientKey,
    ],
    { stdin: "ignore", stdout: "pipe", stderr: "pipe" },
  );
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  const line = stdout.split("\n").find((l) => l.startsWith("WRK_JSON "));
  if (code !== 0 || line === undefined)
    throw new Error(`wrk failed on ${run.url} (exit ${code}):\n${stdout}${stderr}`);
  const figures = JSON.parse(line.slice("WRK_JSON ".length)) as WrkFigures;
  const failed = Object.entries(figures.errors).filter(([, count]) => count > 0);
  if (failed.length > 0 || figures.requests === 0)
    throw new Error(
      `wrk on ${run.url} with ${run.connections} connections: ${figures.requests} requests, errors ${failed.map(([kind, count]) => `${kind} ${count}`).join(", ")}`,
    );
  return figures;
}
