/**
 * Configuration mistakes a new user makes, as the process reports them: exit 2, one message that
 * names what is wrong, never a stack trace, never a hang, never a call to Google.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliFixture, startCliFixture } from "../../support/cli-fixture.ts";
import { aliasBomb } from "../../support/hostile-config.ts";
import { startProxyProcess } from "../../support/proxy-process.ts";
import { type CliRun, cliEnv, MAIN, runCli } from "../../support/run-cli.ts";

let fixture: CliFixture;
let dir: string;

beforeEach(async () => {
  fixture = await startCliFixture();
  dir = mkdtempSync(join(tmpdir(), "grantpool-config-errors-"));
});

afterEach(async () => {
  await fixture[Symbol.asyncDispose]();
  rmSync(dir, { recursive: true, force: true });
});

function expectNoStackTrace(run: CliRun): void {
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stderr).not.toContain("node_modules");
  expect(run.stderr).not.toMatch(/Bun v\d/);
}

/** The fixture's settings without the OAuth client. */
function envWithoutClient(): Record<string, string> {
  const { GRANTPOOL_OAUTH_CLIENT_ID: _id, GRANTPOOL_OAUTH_CLIENT_SECRET: _secret, ...rest } = fixture.env;
  return rest;
}

describe("a bad --config file", () => {
  test("an alias bomb exits 2 at once, naming the file and what is wrong", async () => {
    const bomb = join(dir, "bomb.yaml");
    writeFileSync(bomb, aliasBomb());
    const started = performance.now();
    const run = await runCli(["proxy", "--config", bomb], { env: fixture.env });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      `Cannot read setting "api-keys" in config file ${bomb}:1: its YAML aliases expand more than 100 times; write the value out instead`,
    );
    expectNoStackTrace(run);
  });

  test("a FIFO exits 2 without waiting for a writer", async () => {
    const fifo = join(dir, "config.yaml");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    // The kill is a guard against the bug (a read that blocks forever), not part of the behaviour.
    const child = Bun.spawn([process.execPath, MAIN, "accounts", "list", "--config", fifo], {
      env: cliEnv(fixture.env),
      stdout: "pipe",
      stderr: "pipe",
      timeout: 10_000,
    });
    const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      `Cannot read config file "${fifo}" (from flag --config): it is a FIFO, expected a regular file`,
    );
  });
});

describe("no OAuth client", () => {
  test("accounts add exits 2 naming the settings, before any call to Google", async () => {
    const token = fixture.google.addIdentity({ email: "ada@example.com" });
    const run = await runCli(["accounts", "add", "--refresh-token", token], { env: envWithoutClient() });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("--oauth-client-id, GRANTPOOL_OAUTH_CLIENT_ID or the config file");
    expect(lines[1]).toContain("--oauth-client-secret, GRANTPOOL_OAUTH_CLIENT_SECRET or the config file");
    expect(run.stderr).not.toContain("rejected");
    expect(run.stderr).not.toContain(token);
    expect(fixture.google.calls).toEqual({ refresh: 0, authorizationCode: 0, userinfo: 0, upstream: 0 });
  });

  test("accounts login exits 2 without offering a sign-in URL", async () => {
    const run = await runCli(["accounts", "login", "--no-browser"], { env: envWithoutClient() });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("GRANTPOOL_OAUTH_CLIENT_ID");
  });

  test("the proxy starts, warns once, and answers a call that needs a token with a 502 naming the settings", async () => {
    const env = envWithoutClient();
    const added = await runCli(
      ["accounts", "add", "--refresh-token", fixture.google.addIdentity({ email: "n@x.com" })],
      {
        env: fixture.env,
      },
    );
    expect(added.code).toBe(0);
    await using proxy = await startProxyProcess(env);
    fixture.google.expireAccessTokens(); // the stored access token is refused: a refresh is needed
    const reply = await fetch(`${proxy.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(reply.status).toBe(502);
    const { error } = (await reply.json()) as { error: { message: string } };
    expect(error.message).toContain("no OAuth client is configured");
    expect(error.message).toContain("GRANTPOOL_OAUTH_CLIENT_ID");
    const warnings = proxy.logLines.filter((line) => line.includes("No OAuth client is configured"));
    expect(warnings).toHaveLength(1);
    expect((await runCli(["accounts", "list", "--json"], { env })).stdout).toContain('"disabled": false');
  });
});

describe("a mistyped flag", () => {
  test("is one error line with a suggestion, then the usage", async () => {
    const run = await runCli(["accounts", "list", "--dta-dir", "./pool"], { env: fixture.env });
    expect(run.code).toBe(2);
    const [errors = ""] = run.stderr.split("\n\n");
    expect(errors.split("\n")).toEqual(["Unknown flag --dta-dir (did you mean --data-dir?)"]);
    expect(run.stderr).toContain("Usage: grantpool accounts list");
  });
});
