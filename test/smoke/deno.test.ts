/**
 * grantpool runs under Deno too (SPEC §2): the CLI's `accounts` commands and the file store,
 * driven by the Deno that npm installed, against the same Google emulator, and the proxy serving
 * a generateContent request.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type CliFixture, startCliFixture } from "../support/cli-fixture.ts";
import type { GoogleEmulator } from "../support/google-emulator.ts";
import { startProxyProcess } from "../support/proxy-process.ts";
import { MAIN, runCli } from "../support/run-cli.ts";

const DENO = [join(import.meta.dir, "..", "..", "node_modules", ".bin", "deno"), "run", "-A", "--quiet"];

let fixture: CliFixture;
let google: GoogleEmulator;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  fixture = await startCliFixture({ DENO_NO_UPDATE_CHECK: "1" });
  ({ google, dataDir, env } = fixture);
});

afterAll(async () => {
  await fixture[Symbol.asyncDispose]();
});

describe("under Deno", () => {
  test("reports the Deno runtime in version", async () => {
    const run = await runCli(["version"], { runtime: DENO, env });
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^grantpool \S+ \(deno \d/);
  });

  test("adds an account, lists it and writes the store", async () => {
    const token = google.addIdentity({ email: "dana@example.com" });
    const added = await runCli(["accounts", "add", "--refresh-token", token], { runtime: DENO, env });
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    const listed = await runCli(["accounts", "list", "--json"], { runtime: DENO, env });
    expect(listed.code).toBe(0);
    const accounts = JSON.parse(listed.stdout) as { id: string; email: string; state: string }[];
    expect(accounts).toMatchObject([{ email: "dana@example.com", state: "active" }]);
    const disabled = await runCli(["accounts", "disable", "dana@example.com"], { runtime: DENO, env });
    expect(disabled.code).toBe(0);
    const file = JSON.parse(readFileSync(join(dataDir, "accounts", `${accounts[0]?.id}.json`), "utf8"));
    expect(file).toMatchObject({ proxy_disabled: true, proxy_disabled_reason: "manual" });
  });

  test("the proxy serves a generateContent request", async () => {
    const token = google.addIdentity({ email: "erin@example.com" });
    expect((await runCli(["accounts", "add", "--refresh-token", token], { env })).code).toBe(0);
    await using proxy = await startProxyProcess(env, { command: [...DENO, MAIN] });
    const reply = await fetch(`${proxy.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("x-grantpool-account")).toBeTruthy();
    expect(await reply.text()).toContain("answered by");
  });
});
