/**
 * dist/grantpool is the whole product in one file: it reports the version injected at build
 * time, carries every CLI command and the proxy, and ignores the .env and bunfig.toml of whatever
 * directory it is started in (it is built with the autoloading of both switched off).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BINARY, type BuiltBinary, buildBinary, ROOT, runBinary } from "../support/binary.ts";
import { type CliFixture, startCliFixture } from "../support/cli-fixture.ts";
import { startProxyProcess } from "../support/proxy-process.ts";

let built: BuiltBinary;
let fixture: CliFixture;
let workDir: string;

beforeAll(async () => {
  built = await buildBinary();
  fixture = await startCliFixture();
  workDir = mkdtempSync(join(tmpdir(), "grantpool-e2e-cwd-"));
}, 120_000);

afterAll(async () => {
  await fixture?.[Symbol.asyncDispose]();
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

function gitCommitExists(sha: string): boolean {
  const git = Bun.spawnSync(["git", "rev-parse", "--verify", "--quiet", `${sha}^{commit}`], { cwd: ROOT });
  return git.exitCode === 0;
}

describe("dist/grantpool", () => {
  test("prints the version injected at build time: package version + short commit", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const run = await runBinary(["version"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toStartWith(`grantpool ${built.version} (bun `);
    const injected = /^(\S+?)(?:\+([0-9a-f]+))?$/.exec(built.version);
    expect(injected?.[1]).toBe(version);
    const sha = injected?.[2];
    // Built outside a git checkout, the version is the bare package version.
    if (sha !== undefined) expect(gitCommitExists(sha)).toBe(true);
    else expect(gitCommitExists("HEAD")).toBe(false);
  });

  test("adds accounts from standard input, one token per line, and lists them without tokens", async () => {
    const { google, env } = fixture;
    const tokens = ["eve@example.com", "fay@example.com"].map((email) => google.addIdentity({ email }));
    const added = await runBinary(["accounts", "add"], { env, stdin: `${tokens.join("\n")}\n` });
    expect(added.code).toBe(0);
    const listed = await runBinary(["accounts", "--data-dir", fixture.dataDir, "list", "--json"], { env });
    expect(listed.code).toBe(0);
    const accounts = JSON.parse(listed.stdout) as { email: string; state: string }[];
    expect(accounts.map(({ email, state }) => ({ email, state }))).toEqual([
      { email: "eve@example.com", state: "active" },
      { email: "fay@example.com", state: "active" },
    ]);
    for (const token of tokens) expect(`${added.stdout}${added.stderr}${listed.stdout}`).not.toContain(token);
  });

  test("refuses a refresh token Google rejects with exit 1 and writes nothing", async () => {
    const { google, env } = fixture;
    const token = google.addIdentity({ email: "gil@example.com" });
    google.revoke(token);
    const run = await runBinary(["accounts", "add", "--refresh-token", token], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("invalid_grant");
    expect(run.stderr).not.toContain(token);
    const listed = await runBinary(["accounts", "list", "--json"], { env });
    expect((JSON.parse(listed.stdout) as { email: string }[]).map((a) => a.email)).not.toContain(
      "gil@example.com",
    );
  });

  test("exits 2 with the usage on an unknown command", async () => {
    const run = await runBinary(["frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown command "frobnicate"');
    expect(run.stderr).toContain("Usage:");
  });

  test("ignores a .env and a bunfig.toml in the directory it is started in", async () => {
    writeFileSync(join(workDir, ".env"), "GRANTPOOL_LOG_LEVEL=not-a-level\n");
    writeFileSync(join(workDir, "bunfig.toml"), 'preload = ["./preload.ts"]\n');
    writeFileSync(join(workDir, "preload.ts"), 'throw new Error("bunfig.toml was loaded");\n');
    const run = await runBinary(["accounts", "list"], { env: fixture.env, cwd: workDir });
    expect(run.stderr).not.toContain("bunfig.toml was loaded");
    expect(run.stderr).not.toContain("log-level");
    expect(run.code).toBe(0);
  });

  test("runs the proxy: ready on port 0, reporting its version, and stops cleanly on SIGTERM", async () => {
    await using proxy = await startProxyProcess(fixture.env, { command: [BINARY] });
    const health = (await (await fetch(`${proxy.url}/healthz`)).json()) as {
      status: string;
      version: string;
    };
    expect(health).toEqual({ status: "ok", version: built.version });
    const ready = (await (await fetch(`${proxy.url}/readyz`)).json()) as { status: string };
    expect(ready.status).toBe("ready");
    expect(await proxy.stop()).toBe(0);
  });
});
