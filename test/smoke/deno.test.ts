/**
 * grantpool runs under Deno too (SPEC §2): the CLI's `accounts` commands and the file store,
 * driven by the Deno that npm installed, against the same Google emulator.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GoogleEmulator, startGoogleEmulator } from "../support/google-emulator.ts";
import { emulatorEnv, runCli } from "../support/run-cli.ts";

const DENO = [join(import.meta.dir, "..", "..", "node_modules", ".bin", "deno"), "run", "-A", "--quiet"];

let google: GoogleEmulator;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  google = await startGoogleEmulator();
  dataDir = mkdtempSync(join(tmpdir(), "grantpool-deno-"));
  env = { ...emulatorEnv(google, dataDir), DENO_NO_UPDATE_CHECK: "1" };
});

afterAll(async () => {
  await google.close();
  rmSync(dataDir, { recursive: true, force: true });
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
});
