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

/**
 * One turn of the conversation a coding agent sends: prose and code, with the quotes, newlines and
 * backslashes that JSON escapes (about one quote every 30 bytes). A body of plain words would be
 * the byte check's cheapest case (one native search per string); code is what agents send.
 */
const TURN = [
  "Here is the function after the change; the test still fails on the port:",
  "",
  "```ts",
  "export function parseSetting(name: string, raw: string): Result<number, string> {",
  "  const value = Number(raw.trim());",
  '  if (!Number.isFinite(value)) return err(name + " must be a number, got \\"" + raw + "\\"");',
  "  return ok(value);",
  "}",
  "```",
  "",
  'The test sends {"port": "8080", "host": "127.0.0.1"} and expects "8080" to parse; C:\\data\\config.json holds the rest.',
  "",
].join("\n");

/** Most characters in one turn's text: a history is many turns, not one long part. */
const TURN_CHARACTERS = 4000;

function history(characters: number): string {
  const text = TURN.repeat(Math.ceil(characters / TURN.length)).slice(0, characters);
  const turns = text.match(new RegExp(`[\\s\\S]{1,${TURN_CHARACTERS}}`, "g")) ?? [""];
  return JSON.stringify({
    contents: turns.map((part, i) => ({ role: i % 2 === 0 ? "user" : "model", parts: [{ text: part }] })),
  });
}

/**
 * A Gemini request of `bytes` bytes (as near as JSON's escapes allow, never more): a history of
 * user and model turns of code and prose.
 */
export function geminiRequestOfSize(bytes: number): string {
  // The JSON grows with the text: the longest text whose request fits.
  let low = 0;
  let high = bytes;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (history(middle).length <= bytes) low = middle;
    else high = middle - 1;
  }
  return history(low);
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
