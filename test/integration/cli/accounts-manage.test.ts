/** list, enable, disable, remove and import, as a user runs them. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliFixture, startCliFixture } from "../../support/cli-fixture.ts";
import type { GoogleEmulator } from "../../support/google-emulator.ts";
import { runCli } from "../../support/run-cli.ts";

let fixture: CliFixture;
let google: GoogleEmulator;
let dataDir: string;
let env: Record<string, string>;
const cleanup: string[] = [];

beforeEach(async () => {
  fixture = await startCliFixture();
  ({ google, dataDir, env } = fixture);
});

afterEach(async () => {
  await fixture[Symbol.asyncDispose]();
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function add(email: string): Promise<string> {
  const token = google.addIdentity({ email });
  const run = await runCli(["accounts", "add", "--refresh-token", token], { env });
  expect(run.code).toBe(0);
  return token;
}

interface Listed {
  id: string;
  email: string;
  state: string;
  proxyDisabledReason?: string;
}

async function list(): Promise<Listed[]> {
  const run = await runCli(["accounts", "list", "--json"], { env });
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Listed[];
}

describe("managing accounts", () => {
  test("list --json shows state but never a token", async () => {
    const token = await add("alice@example.com");
    const run = await runCli(["accounts", "list", "--json"], { env });
    expect(run.stdout).not.toContain(token);
    expect(run.stdout).not.toContain("ya29.");
    expect(JSON.parse(run.stdout)).toMatchObject([{ email: "alice@example.com", state: "active" }]);
    const table = await runCli(["accounts", "list"], { env });
    expect(table.stdout).toMatch(/ID\s+EMAIL\s+STATE/);
  });

  test("disable and enable by email (any case) set and clear proxy_disabled with reason manual", async () => {
    await add("alice@example.com");
    expect((await runCli(["accounts", "disable", "ALICE@example.com"], { env })).code).toBe(0);
    expect(await list()).toMatchObject([{ state: "proxy_disabled", proxyDisabledReason: "manual" }]);
    const [{ id } = { id: "" }] = await list();
    expect((await runCli(["accounts", "enable", id], { env })).code).toBe(0);
    expect(await list()).toMatchObject([{ state: "active" }]);
  });

  test("remove deletes the account; an unknown id exits 1", async () => {
    await add("alice@example.com");
    expect((await runCli(["accounts", "remove", "alice@example.com"], { env })).code).toBe(0);
    expect(await list()).toEqual([]);
    const missing = await runCli(["accounts", "remove", "nobody@example.com"], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no account with id or email "nobody@example.com"');
  });

  test("imports an Antigravity-Manager data directory, skipping emails already present and broken files", async () => {
    await add("alice@example.com");
    const source = mkdtempSync(join(tmpdir(), "antigravity-"));
    cleanup.push(source);
    mkdirSync(join(source, "accounts"));
    const account = (id: string, email: string) =>
      JSON.stringify({
        id,
        email,
        name: "N",
        token: { access_token: "a", refresh_token: `rt-${id}`, expires_in: 3599, expiry_timestamp: 1 },
        disabled: false,
        proxy_disabled: false,
        created_at: 1,
      });
    writeFileSync(join(source, "accounts", "b-1.json"), account("b-1", "bob@example.com"));
    writeFileSync(join(source, "accounts", "a-1.json"), account("a-1", "Alice@Example.com"));
    writeFileSync(join(source, "accounts", "broken.json"), "{ not json");
    const run = await runCli(["accounts", "import", source], { env });
    expect(run.stdout).toContain("Imported bob@example.com");
    expect(run.stdout).toContain("Skipped Alice@Example.com");
    expect(run.stderr).toContain("broken.json");
    expect(run.code).toBe(1);
    expect((await list()).map((a) => a.email).sort()).toEqual(["alice@example.com", "bob@example.com"]);
    expect(readFileSync(join(source, "accounts", "broken.json"), "utf8")).toBe("{ not json");
    expect(readdirSync(join(dataDir, "accounts")).filter((f) => f.endsWith(".json"))).toHaveLength(2);
  });
});
