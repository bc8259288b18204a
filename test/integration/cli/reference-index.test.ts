/**
 * grantpool serving an Antigravity-Manager data directory as it is: what the CLI adds, imports,
 * disables, enables and removes shows in the reference's account index, which the reference's
 * own account list reads.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliFixture, startCliFixture } from "../../support/cli-fixture.ts";
import { readReferenceIndex, referenceIndexText } from "../../support/reference-index-fixture.ts";
import { runCli } from "../../support/run-cli.ts";

describe("the CLI on a reference data directory", () => {
  let fixture: CliFixture;

  const cli = async (...args: string[]) => {
    const run = await runCli(args, { env: fixture.env });
    expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: "" });
    return run;
  };
  const entries = () =>
    readReferenceIndex(fixture.dataDir).accounts.map((e) => ({
      email: e.email,
      disabled: e.disabled,
      proxy_disabled: e.proxy_disabled,
    }));

  beforeEach(async () => {
    fixture = await startCliFixture();
    mkdirSync(join(fixture.dataDir, "accounts"));
    writeFileSync(join(fixture.dataDir, "accounts.json"), referenceIndexText([], null));
  });

  afterEach(async () => {
    await fixture[Symbol.asyncDispose]();
  });

  test("accounts add, disable, enable and remove keep the index in step", async () => {
    const token = fixture.google.addIdentity({ email: "dana@example.com" });
    await cli("accounts", "add", "--refresh-token", token);
    expect(entries()).toEqual([{ email: "dana@example.com", disabled: false, proxy_disabled: false }]);
    const [dana] = readReferenceIndex(fixture.dataDir).accounts;
    expect(readReferenceIndex(fixture.dataDir).current_account_id).toBe(dana?.id ?? "");

    await cli("accounts", "disable", "DANA@example.com");
    expect(entries()).toEqual([{ email: "dana@example.com", disabled: false, proxy_disabled: true }]);
    await cli("accounts", "enable", "dana@example.com");
    expect(entries()).toEqual([{ email: "dana@example.com", disabled: false, proxy_disabled: false }]);
    await cli("accounts", "remove", "dana@example.com");
    expect(readReferenceIndex(fixture.dataDir)).toMatchObject({ accounts: [], current_account_id: null });
  });

  test("accounts import lists what it imports in the index", async () => {
    const source = mkdtempSync(join(tmpdir(), "antigravity-"));
    try {
      mkdirSync(join(source, "accounts"));
      const file = {
        id: "e-1",
        email: "erin@example.com",
        name: "Erin",
        token: { access_token: "a", refresh_token: "rt-erin-index", expiry_timestamp: 1 },
        disabled: true,
        protected_models: ["gemini-2.5-pro"],
        created_at: 1_760_000_000,
        last_used: 1_760_000_500,
      };
      writeFileSync(join(source, "accounts", "e-1.json"), JSON.stringify(file, null, 2));
      await cli("accounts", "import", source);
      expect(readReferenceIndex(fixture.dataDir).accounts).toEqual([
        {
          id: "e-1",
          email: "erin@example.com",
          name: "Erin",
          disabled: true,
          proxy_disabled: false,
          protected_models: ["gemini-2.5-pro"],
          created_at: 1_760_000_000,
          last_used: 1_760_000_500,
        },
      ]);
      // The source had no index, and still has none.
      expect(existsSync(join(source, "accounts.json"))).toBe(false);
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
  });
});
