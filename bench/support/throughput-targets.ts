/**
 * The servers the throughput bench loads, each its own process on 127.0.0.1, port 0: the stub
 * upstream, the bare Bun forwarder in front of it, and the compiled grantpool binary in front of
 * it with its default settings (metrics on) and a client key, on a file store of N accounts whose
 * access tokens outlive the bench (the OAuth token endpoint is the stub's, and never called).
 * Every process is started through the test suite's `startProxyProcess` (URL from the start-up
 * line, then /readyz) and stopped by its pid when the stack that owns it is disposed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { BINARY } from "../../test/support/binary.ts";
import { startProxyProcess } from "../../test/support/proxy-process.ts";
import { writeAccountFiles } from "./bench-accounts.ts";
import { STUB_TEXT, type StubStats } from "./stub-upstream.ts";

export const CLIENT_KEY = "bench-client-key-0123456789";

export interface Target {
  /** `stub`, `forwarder`, `grantpool-10`, … */
  readonly name: string;
  readonly url: string;
  readonly pid: number;
}

/**
 * The processes of one target, alike. Each process's JIT compiles the same code its own way, and
 * two processes of one binary served up to 14% apart side by side: with one process per target,
 * that spread decided verdicts. Each round loads another process of each target (`replicaFor`), so
 * a target's median spans its processes and no single process's luck makes the figure.
 */
export type Replicas = readonly [Target, ...Target[]];

export async function startReplicas(count: number, start: () => Promise<Target>): Promise<Replicas> {
  const first = await start();
  const rest: Target[] = [];
  for (let started = 1; started < count; started++) rest.push(await start());
  return [first, ...rest];
}

/** The process round `round` (1, 2, …) loads: the rounds go round the replicas. */
export function replicaFor(replicas: Replicas, round: number): Target {
  return replicas[Math.max(0, round - 1) % replicas.length] ?? replicas[0];
}

async function startBunServer(
  name: string,
  script: string,
  args: readonly string[],
  stack: AsyncDisposableStack,
  env: Record<string, string> = {},
): Promise<Target> {
  const server = stack.use(
    await startProxyProcess(env, {
      command: [process.execPath, join(import.meta.dir, script)],
      subcommand: args,
    }),
  );
  return { name, url: server.url, pid: server.child.pid };
}

export function startStub(stack: AsyncDisposableStack): Promise<Target> {
  return startBunServer("stub", "stub-upstream.ts", [], stack);
}

export function startForwarder(stubUrl: string, stack: AsyncDisposableStack): Promise<Target> {
  return startBunServer("forwarder", "bare-forwarder.ts", [stubUrl], stack);
}

/** The forwarder that follows a streamed reply in one JavaScript stage (bare-forwarder.ts). */
export const FOLLOWING_FORWARDER = "fwd-following";

export async function startFollowingForwarder(stubUrl: string, stack: AsyncDisposableStack): Promise<Target> {
  return startBunServer(FOLLOWING_FORWARDER, "bare-forwarder.ts", [stubUrl, "--follow"], stack);
}

/**
 * The forwarder that does every duty the SPEC gives a proxy and nothing else (bare-forwarder.ts):
 * first the checks every proxied request must get, then a streamed reply followed to its end.
 */
export const CHECKING_FORWARDER = "fwd-checking";

export function startCheckingForwarder(stubUrl: string, stack: AsyncDisposableStack): Promise<Target> {
  return startBunServer(CHECKING_FORWARDER, "bare-forwarder.ts", [stubUrl, "--check", "--follow"], stack, {
    GRANTPOOL_BENCH_CLIENT_KEY: CLIENT_KEY,
  });
}

/** Checks that a forwarder that follows streams followed those it passed on to their end. */
export async function checkFollowed(target: Target): Promise<void> {
  const ended = (await (await fetch(`${target.url}/streams-ended`)).json()) as number;
  if (ended < 1) throw new Error(`${target.name} passed streams on without following them`);
}

/** dist/grantpool (build it first) serving `accounts` account files in front of the stub. */
export async function startGrantpool(
  stubUrl: string,
  accounts: number,
  stack: AsyncDisposableStack,
): Promise<Target> {
  const dataDir = mkdtempSync(join(os.tmpdir(), `grantpool-throughput-${accounts}-`));
  stack.defer(() => rmSync(dataDir, { recursive: true, force: true }));
  writeAccountFiles(dataDir, accounts);
  const env = {
    GRANTPOOL_DATA_DIR: dataDir,
    GRANTPOOL_UPSTREAM_URL: stubUrl,
    GRANTPOOL_OAUTH_TOKEN_URL: `${stubUrl}/token`,
    GRANTPOOL_OAUTH_CLIENT_ID: "bench-client",
    GRANTPOOL_OAUTH_CLIENT_SECRET: "bench-client-secret",
    GRANTPOOL_API_KEYS: CLIENT_KEY,
    // Keys are checked on loopback too, as on a proxy that serves other machines.
    GRANTPOOL_AUTH_MODE: "all_except_health",
    GRANTPOOL_LOG_FORMAT: "json",
  };
  const proxy = stack.use(await startProxyProcess(env, { command: [BINARY] }));
  return { name: `grantpool-${accounts}`, url: proxy.url, pid: proxy.child.pid };
}

/** One plain and one streamed call through `target`, checked to carry the stub's reply. */
export async function checkTarget(target: Target, body: string): Promise<void> {
  const calls = [
    `${target.url}/v1beta/models/bench:generateContent`,
    `${target.url}/v1beta/models/bench:streamGenerateContent?alt=sse`,
  ];
  for (const url of calls) {
    const reply = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": CLIENT_KEY },
      body,
    });
    const text = await reply.text();
    if (reply.status !== 200 || !text.includes(STUB_TEXT))
      throw new Error(`${target.name} answered ${url} with ${reply.status}: ${text.slice(0, 500)}`);
  }
}

export async function stubStats(stub: Target): Promise<StubStats> {
  return (await (await fetch(`${stub.url}/stats`)).json()) as StubStats;
}
