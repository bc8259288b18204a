/**
 * The story grantpool exists for, told through the compiled binary (dist/grantpool) talking to
 * the Google emulator over HTTP: a revoked refresh token disables its account once and for good
 * while every client still gets an answer; the account stays out across a restart; `accounts
 * add` with a new token brings it back into the running proxy within a second; no token leaks.
 *
 * The tests are the chapters of one story: they run in order on one emulator and data directory.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, buildBinary, runBinary } from "../support/binary.ts";
import { type CliFixture, startCliFixture } from "../support/cli-fixture.ts";
import { type GeminiReply, generateConcurrently, generateContent } from "../support/e2e-gemini-client.ts";
import { messagesStartingWith } from "../support/e2e-log.ts";
import { findLeaks, issuedSecrets } from "../support/e2e-secrets.ts";
import { sampleSum } from "../support/prometheus-text.ts";
import { type ProxyProcess, startProxyProcess } from "../support/proxy-process.ts";
import type { CliRun } from "../support/run-cli.ts";
import { waitFor } from "../support/wait-for.ts";

const EMAILS = ["ada@example.com", "bob@example.com", "cy@example.com"];
/** The account whose refresh token Google revokes. */
const DEAD = "bob@example.com";

let fixture: CliFixture;
/** Refresh token by email (the first one each account was added with). */
const tokens = new Map<string, string>();
/** Every refresh token handed to the binary, for the secret scan. */
const refreshTokens: string[] = [];
const idOf = new Map<string, string>();
const emailOf = new Map<string, string>();
const proxies: ProxyProcess[] = [];
/** Everything the binary said to anyone but the store: CLI output, replies (logs are added last). */
const captured = new Map<string, string>();

async function cli(args: readonly string[], where: string): Promise<CliRun> {
  const run = await runBinary(args, { env: fixture.env });
  captured.set(`${where} stdout`, run.stdout);
  captured.set(`${where} stderr`, run.stderr);
  return run;
}

async function startProxy(): Promise<ProxyProcess> {
  const proxy = await startProxyProcess(fixture.env, { command: [BINARY] });
  proxies.push(proxy);
  return proxy;
}

function currentProxy(): ProxyProcess {
  const proxy = proxies.at(-1);
  if (proxy === undefined) throw new Error("no proxy started yet");
  return proxy;
}

function deadToken(): string {
  return tokens.get(DEAD) ?? "";
}

/** Refreshes of the revoked token made by proxies: `accounts add` spent one verifying it. */
function proxyRefreshesOfDeadToken(): number {
  return fixture.google.refreshCallsFor(deadToken()) - 1;
}

function stored(email: string): Record<string, unknown> {
  const file = join(fixture.dataDir, "accounts", `${idOf.get(email)}.json`);
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

function keepReplies(where: string, replies: readonly GeminiReply[]): void {
  for (const [i, reply] of replies.entries()) captured.set(`${where} reply ${i + 1}`, reply.transcript);
}

/** The replies that are not a 200 Gemini answer from one of `emails`, as their transcripts. */
function notServedBy(replies: readonly GeminiReply[], emails: readonly string[]): string[] {
  return replies
    .filter((reply) => {
      const email = reply.account === null ? undefined : emailOf.get(reply.account);
      return (
        reply.status !== 200 ||
        email === undefined ||
        !emails.includes(email) ||
        reply.text !== `answered by ${email}`
      );
    })
    .map((reply) => reply.transcript);
}

/** The emails of the accounts that served `replies`, each once, sorted. */
function servedBy(replies: readonly GeminiReply[]): string[] {
  const emails = replies.map((reply) => emailOf.get(reply.account ?? "") ?? `unknown ${reply.account}`);
  return [...new Set(emails)].sort();
}

const LIVE = EMAILS.filter((email) => email !== DEAD);

beforeAll(async () => {
  await buildBinary();
  fixture = await startCliFixture();
  for (const email of EMAILS) {
    const token = fixture.google.addIdentity({ email });
    tokens.set(email, token);
    refreshTokens.push(token);
    const added = await cli(["accounts", "add", "--refresh-token", token], `accounts add ${email}`);
    expect(added.code).toBe(0);
  }
  const listed = await cli(["accounts", "list", "--json"], "accounts list");
  expect(listed.code).toBe(0);
  for (const { id, email } of JSON.parse(listed.stdout) as { id: string; email: string }[]) {
    idOf.set(email, id);
    emailOf.set(id, email);
  }
  expect([...idOf.keys()].sort()).toEqual([...EMAILS].sort());
  // `accounts add` verifies each token with exactly one refresh.
  for (const token of refreshTokens) expect(fixture.google.refreshCallsFor(token)).toBe(1);
}, 120_000);

afterAll(async () => {
  for (const proxy of proxies) await proxy.stop();
  await fixture?.[Symbol.asyncDispose]();
});

describe("dist/grantpool and a revoked refresh token", () => {
  test("answers 12 concurrent requests from the live accounts and disables the revoked one once, in its file", async () => {
    const { google } = fixture;
    google.revoke(deadToken());
    // Revoking a grant at Google also kills its access tokens; an hour on, all of them have
    // expired anyway. Either way the proxy must refresh, and the revoked token meets invalid_grant.
    google.expireAccessTokens();
    const before = Math.floor(Date.now() / 1000);
    const proxy = await startProxy();

    const replies = await generateConcurrently(proxy.url, 12);
    keepReplies("first proxy", replies);

    expect(notServedBy(replies, LIVE)).toEqual([]);
    expect(servedBy(replies)).toEqual(LIVE);
    for (const reply of replies) expect(reply.account).not.toContain("@");
    const file = stored(DEAD);
    expect(file.disabled).toBe(true);
    expect(file.disabled_at).toBeGreaterThanOrEqual(before);
    expect(file.disabled_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(String(file.disabled_reason)).toStartWith("invalid_grant:");
    const failed = `Token refresh failed (${DEAD}): invalid_grant: `;
    const disabling = `Disabling account due to invalid_grant (${DEAD}): refresh_token likely revoked/expired`;
    await waitFor(() => messagesStartingWith(proxy.logLines, disabling).length > 0, {
      message: () => `"${disabling}" in the log:\n${proxy.logLines.join("\n")}`,
    });
    const failures = messagesStartingWith(proxy.logLines, failed, "error");
    expect(failures).toHaveLength(1);
    expect(failures[0]).toEndWith(", trying next account");
    expect(messagesStartingWith(proxy.logLines, failed)).toHaveLength(1);
    expect(messagesStartingWith(proxy.logLines, disabling, "warn")).toEqual([disabling]);
    expect(messagesStartingWith(proxy.logLines, disabling)).toHaveLength(1);
    expect(proxyRefreshesOfDeadToken()).toBe(1);
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    captured.set("first proxy /metrics", metrics);
    expect(sampleSum(metrics, "grantpool_account_disables_total", { reason: "invalid_grant" })).toBe(1);
    expect(sampleSum(metrics, "grantpool_accounts", { state: "disabled" })).toBe(1);
  });

  test("keeps the disabled account out after a restart, without refreshing its dead token again", async () => {
    expect(await currentProxy().stop()).toBe(0);
    const proxy = await startProxy();
    const skipping = `Skipping disabled account (${DEAD}): invalid_grant: `;
    await waitFor(() => messagesStartingWith(proxy.logLines, skipping).length > 0, {
      message: () => `"${skipping}…" in the log:\n${proxy.logLines.join("\n")}`,
    });

    const replies = await generateConcurrently(proxy.url, 6);
    keepReplies("restarted proxy", replies);

    expect(notServedBy(replies, LIVE)).toEqual([]);
    expect(proxyRefreshesOfDeadToken()).toBe(1);
    expect(stored(DEAD).disabled).toBe(true);
  });

  test("serves the account again within a second of `accounts add` with a new token, with no restart", async () => {
    const proxy = currentProxy();
    const fresh = fixture.google.mintRefreshToken(DEAD);
    refreshTokens.push(fresh);

    const added = await cli(["accounts", "add", "--refresh-token", fresh], "accounts add (recovery)");
    const addedAt = performance.now();

    expect(added.code).toBe(0);
    const file = stored(DEAD);
    expect(file.disabled ?? false).toBe(false);
    expect(Object.keys(file)).not.toContain("disabled_at");
    expect(Object.keys(file)).not.toContain("disabled_reason");
    const waited: GeminiReply[] = [];
    await waitFor(
      async () => {
        const reply = await generateContent(proxy.url);
        waited.push(reply);
        return reply.account === idOf.get(DEAD);
      },
      {
        timeoutMs: 1_000,
        message: () => `a reply from ${DEAD}; got:\n${waited.map((r) => r.transcript).join("\n")}`,
      },
    );
    const elapsedMs = performance.now() - addedAt;
    expect(elapsedMs).toBeLessThan(1_000);
    const replies: GeminiReply[] = [];
    for (let i = 0; i < 6; i += 1) replies.push(await generateContent(proxy.url));
    keepReplies("recovery wait", waited);
    keepReplies("recovered proxy", replies);

    expect(notServedBy([...waited, ...replies], EMAILS)).toEqual([]);
    // Round-robin: six requests in a row visit all three accounts, the recovered one included.
    expect(servedBy(replies)).toEqual(EMAILS);
    expect(proxy.child.exitCode).toBeNull();
    expect(proxies).toHaveLength(2);
    expect(proxyRefreshesOfDeadToken()).toBe(1);
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    captured.set("recovered proxy /metrics", metrics);
    expect(
      sampleSum(metrics, "grantpool_account_recoveries_total", {
        grantpool_account_id: idOf.get(DEAD) ?? "",
      }),
    ).toBe(1);
    expect(sampleSum(metrics, "grantpool_accounts", { state: "active" })).toBe(3);
  });

  test("never lets a token the emulator issued into a log line, CLI output or reply", async () => {
    expect(await currentProxy().stop()).toBe(0);
    for (const [i, proxy] of proxies.entries()) captured.set(`proxy ${i + 1} log`, proxy.logLines.join("\n"));
    const secrets = issuedSecrets(fixture.google, fixture.dataDir, refreshTokens);

    // Sanity: the scan knows the access tokens too (seen upstream and stored), not only refresh tokens.
    expect(secrets.length).toBeGreaterThan(refreshTokens.length + 1);
    expect(captured.size).toBeGreaterThan(20);
    expect(findLeaks(captured, secrets)).toEqual([]);
  });
});
