/**
 * `grantpool accounts quota [ID]` and the quota in `accounts list`, as a user runs them: the quota
 * fetched from Cloud Code (the emulator), stored in the reference's format, protection shown with
 * its return time, and the refusals (unknown account, the Gemini API profile).
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type CliFixture, startCliFixture } from "../../support/cli-fixture.ts";
import { runCli } from "../../support/run-cli.ts";

let fixture: CliFixture;
let env: Record<string, string>;

beforeEach(async () => {
  fixture = await startCliFixture({ GRANTPOOL_UPSTREAM_PROFILE: "code-assist" });
  env = fixture.env;
});

afterEach(async () => {
  await fixture[Symbol.asyncDispose]();
});

async function add(email: string, paidTier?: string): Promise<string> {
  const token = fixture.google.addIdentity(paidTier === undefined ? { email } : { email, paidTier });
  const run = await runCli(["accounts", "add", "--refresh-token", token], { env });
  expect(run.code).toBe(0);
  const listed = await runCli(["accounts", "list", "--json"], { env });
  const account = (JSON.parse(listed.stdout) as { id: string; email: string }[]).find(
    (a) => a.email === email,
  );
  if (account === undefined) throw new Error(`${email} was not added`);
  return account.id;
}

function lowerClaude(email: string, fraction: number): void {
  for (const model of ["claude-sonnet-4-5", "claude-sonnet-4-5-thinking", "claude-opus-4-5-thinking"])
    fixture.google.setQuota(email, model, { remainingFraction: fraction });
}

describe("grantpool accounts quota", () => {
  test("fetches every account's quota, prints it per model and keeps it in the reference's format", async () => {
    const alice = await add("alice@example.com");
    const bob = await add("bob@example.com", "g1-pro-tier");
    lowerClaude("alice@example.com", 0.07);
    const run = await runCli(["accounts", "quota"], { env });
    expect({ code: run.code, stderr: run.stderr.includes("Quota fetch failed") }).toEqual({
      code: 0,
      stderr: false,
    });
    expect(run.stdout).toMatch(/EMAIL\s+MODEL\s+LEFT\s+RESETS/);
    expect(run.stdout).toMatch(/alice@example\.com\s+claude-sonnet-4-5\s+7%\s+\d{4}-\d\d-\d\dT/);
    expect(run.stdout).toMatch(/bob@example\.com\s+claude-sonnet-4-5\s+100%/);
    expect(run.stdout).not.toContain("chat_20706");
    const file = JSON.parse(readFileSync(join(fixture.dataDir, "accounts", `${alice}.json`), "utf8"));
    expect(file.quota).toMatchObject({
      models: expect.arrayContaining([
        { name: "claude-sonnet-4-5", percentage: 7, reset_time: expect.any(String) },
      ]),
      last_updated: expect.any(Number),
      is_forbidden: false,
      subscription_tier: "free-tier",
    });
    const bobs = JSON.parse(readFileSync(join(fixture.dataDir, "accounts", `${bob}.json`), "utf8"));
    expect(bobs.quota.subscription_tier).toBe("g1-pro-tier");
    expect(fixture.google.quotaCallsFor("alice@example.com")).toBe(1);
  });

  test("with protection on, the account is protected for Claude; list shows quota and when it returns", async () => {
    const protectedEnv = { ...env, GRANTPOOL_QUOTA_PROTECTION: "10" };
    const alice = await add("alice@example.com");
    lowerClaude("alice@example.com", 0.05);
    expect((await runCli(["accounts", "quota", "ALICE@example.com"], { env: protectedEnv })).code).toBe(0);
    const file = JSON.parse(readFileSync(join(fixture.dataDir, "accounts", `${alice}.json`), "utf8"));
    expect(file.protected_models).toEqual(["claude"]);
    const table = await runCli(["accounts", "list"], { env: protectedEnv });
    expect(table.stdout).toMatch(/ID\s+EMAIL\s+STATE\s+QUOTA\s+REASON/);
    expect(table.stdout).toMatch(/alice@example\.com\s+active\s+5%\s+quota protection: claude until \d{4}-/);
    const json = JSON.parse((await runCli(["accounts", "list", "--json"], { env: protectedEnv })).stdout);
    expect(json).toMatchObject([
      { email: "alice@example.com", quotaLowestPercentage: 5, quotaProtections: [{ group: "claude" }] },
    ]);
  });

  test("--json prints each account with its quota; a failed fetch exits 1 and names the account", async () => {
    await add("alice@example.com");
    await add("bob@example.com");
    fixture.google.failUpstream(
      { kind: "server_error", status: 500 },
      { forAccessTokenOf: "bob@example.com" },
    );
    const run = await runCli(["accounts", "quota", "--json"], { env });
    expect(run.code).toBe(1);
    const views = JSON.parse(run.stdout) as {
      email: string;
      quotaLowestPercentage?: number;
      error?: string;
    }[];
    expect(views).toMatchObject([
      { email: "alice@example.com", quotaLowestPercentage: 100 },
      // Every call with bob's token fails, the project lookup before the quota call first.
      {
        email: "bob@example.com",
        error: "its Cloud Code Assist project is unknown (loadCodeAssist: HTTP 500)",
      },
    ]);
  });

  test("an unknown account exits 1; the Gemini API profile exits 2 saying why", async () => {
    await add("alice@example.com");
    const unknown = await runCli(["accounts", "quota", "nobody@example.com"], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no account with id or email "nobody@example.com"');
    const gemini = await runCli(["accounts", "quota"], {
      env: { ...env, GRANTPOOL_UPSTREAM_PROFILE: "gemini" },
    });
    expect(gemini.code).toBe(2);
    expect(gemini.stderr).toContain("tells quota only in its 429 replies");
  });
});
