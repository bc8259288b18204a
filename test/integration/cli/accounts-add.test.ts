/** `grantpool accounts add` against the Google emulator, as a user runs it (SPEC §3, §5.6). */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CliFixture, startCliFixture } from "../../support/cli-fixture.ts";
import type { GoogleEmulator } from "../../support/google-emulator.ts";
import { runCli } from "../../support/run-cli.ts";

let fixture: CliFixture;
let google: GoogleEmulator;
let dataDir: string;
let env: Record<string, string>;

beforeEach(async () => {
  fixture = await startCliFixture();
  ({ google, dataDir, env } = fixture);
});

afterEach(async () => {
  await fixture[Symbol.asyncDispose]();
});

function accountFiles(): string[] {
  try {
    return readdirSync(join(dataDir, "accounts")).filter((name) => name.endsWith(".json"));
  } catch {
    return [];
  }
}

function readAccount(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dataDir, "accounts", file), "utf8")) as Record<string, unknown>;
}

describe("grantpool accounts add", () => {
  test("creates accounts/<uuid>.json in the reference format with the email from userinfo", async () => {
    const token = google.addIdentity({ email: "alice@example.com", name: "Alice A" });
    const run = await runCli(["accounts", "add", "--refresh-token", token], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Added alice@example.com");
    const files = accountFiles();
    expect(files).toHaveLength(1);
    const file = files[0] ?? "";
    expect(file).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.json$/);
    const stored = readAccount(file);
    expect(stored).toMatchObject({
      id: file.replace(/\.json$/, ""),
      email: "alice@example.com",
      name: "Alice A",
      disabled: false,
      proxy_disabled: false,
      token: { refresh_token: token, token_type: "Bearer", expires_in: 3599, email: "alice@example.com" },
    });
    expect(typeof (stored.token as Record<string, unknown>).access_token).toBe("string");
    expect(typeof (stored.token as Record<string, unknown>).expiry_timestamp).toBe("number");
    expect(typeof stored.created_at).toBe("number");
    expect("disabled_reason" in stored).toBe(false);
    expect(statSync(join(dataDir, "accounts", file)).mode & 0o777).toBe(0o600);
    expect(`${run.stdout}${run.stderr}`).not.toContain(token);
  });

  test("refuses a revoked token with exit 1 and a one-line reason, writing nothing", async () => {
    const token = google.addIdentity({ email: "alice@example.com" });
    google.revoke(token);
    const run = await runCli(["accounts", "add", "--refresh-token", token], { env });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([
      "Google rejected the refresh token (invalid_grant: Token has been expired or revoked.)",
    ]);
    expect(accountFiles()).toEqual([]);
    expect(run.stderr).not.toContain(token);
  });

  test("re-adding a disabled account's email with a working token recovers it, keeping id and unknown fields", async () => {
    const dead = google.addIdentity({ email: "alice@example.com" });
    google.revoke(dead);
    const id = "0d36780d-1111-4222-8333-444455556666";
    mkdirSync(join(dataDir, "accounts"), { recursive: true });
    const original = `{
  "id": "${id}",
  "email": "Alice@Example.COM",
  "token": {"access_token": "old-access", "refresh_token": "${dead}", "expires_in": 3599, "expiry_timestamp": 1, "token_type": "Bearer", "session_hint": 1.50},
  "disabled": true,
  "disabled_at": 1700000000,
  "disabled_reason": "invalid_grant: Token has been expired or revoked.",
  "proxy_disabled": false,
  "created_at": 1690000000,
  "quota": {"models": [{"name": "gemini-2.5-pro", "percentage": 100.0}]},
  "big": 12345678901234567890123
}`;
    writeFileSync(join(dataDir, "accounts", `${id}.json`), original, { mode: 0o600 });
    const fresh = google.mintRefreshToken("alice@example.com");
    const run = await runCli(["accounts", "add", "--refresh-token", fresh], { env });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Recovered");
    expect(accountFiles()).toEqual([`${id}.json`]);
    const text = readFileSync(join(dataDir, "accounts", `${id}.json`), "utf8");
    const stored = JSON.parse(text) as Record<string, unknown>;
    expect(stored.id).toBe(id);
    expect(stored.disabled).toBe(false);
    for (const gone of ["disabled_at", "disabled_reason"]) expect(gone in stored).toBe(false);
    expect((stored.token as Record<string, unknown>).refresh_token).toBe(fresh);
    expect(text).toContain('"percentage": 100.0');
    expect(text).toContain("12345678901234567890123");
    expect(text).toContain("1.50");
    expect(stored.created_at).toBe(1690000000);
  });

  test("adds one token per line from standard input and reports each line", async () => {
    const a = google.addIdentity({ email: "a@example.com" });
    const b = google.addIdentity({ email: "b@example.com" });
    const bad = google.addIdentity({ email: "c@example.com" });
    google.revoke(bad);
    const run = await runCli(["accounts", "add"], { env, stdin: `${a}\n\n# a comment\n${bad}\n${b}\n` });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("line 1: Added a@example.com");
    expect(run.stdout).toContain("line 5: Added b@example.com");
    expect(run.stderr).toContain("line 4: Google rejected the refresh token (invalid_grant");
    expect(run.stdout).toContain("2 added, 1 failed");
    expect(accountFiles()).toHaveLength(2);
  });

  test("the summary counts each line's outcome in the words the line used, skipping blanks and comments", async () => {
    const first = google.addIdentity({ email: "a@example.com" });
    expect((await runCli(["accounts", "add", "--refresh-token", first], { env })).code).toBe(0);
    const again = google.mintRefreshToken("a@example.com");
    const fresh = google.addIdentity({ email: "b@example.com" });
    const bad = google.addIdentity({ email: "c@example.com" });
    google.revoke(bad);
    const stdin = `# tokens\r\n${again}\r\n\r\n   \n${fresh}\n# ${bad}\n${bad}\n\n`;
    const run = await runCli(["accounts", "add"], { env, stdin });
    expect(run.code).toBe(1);
    const out = run.stdout.trim().split("\n");
    expect(out).toHaveLength(3);
    expect(out[0]).toStartWith("line 2: Updated a@example.com (id ");
    expect(out[1]).toStartWith("line 5: Added b@example.com (id ");
    expect(out[2]).toBe("1 added, 1 updated, 1 failed");
    expect(run.stderr.trim().split("\n")).toEqual([
      "line 7: Google rejected the refresh token (invalid_grant: Token has been expired or revoked.)",
    ]);
    expect(accountFiles()).toHaveLength(2);
  });

  test("upserts by email ignoring case instead of creating a duplicate", async () => {
    const first = google.addIdentity({ email: "Bob@Example.com" });
    expect((await runCli(["accounts", "add", "--refresh-token", first], { env })).code).toBe(0);
    const second = google.mintRefreshToken("Bob@Example.com");
    const run = await runCli(["accounts", "--data-dir", dataDir, "add", "--refresh-token", second], { env });
    expect(run.stdout).toContain("Updated");
    expect(accountFiles()).toHaveLength(1);
  });

  test("exits 2 with usage when no token is given or a flag is unknown", async () => {
    expect((await runCli(["accounts", "add", "--refresh-tokn", "x"], { env })).code).toBe(2);
    const empty = await runCli(["accounts", "add"], { env, stdin: "\n" });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("no refresh token given");
  });
});
