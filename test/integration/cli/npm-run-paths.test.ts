/**
 * `npm start -- …` and `npm run grantpool -- …` (scripts/run.mjs): npm runs the script in the
 * repository but sets INIT_CWD to where the user ran npm, and relative paths mean that directory.
 * Spawned here exactly as npm spawns it: cwd the repository, INIT_CWD the user's directory.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliFixture, startCliFixture } from "../../support/cli-fixture.ts";
import { runCommand } from "../../support/run-cli.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const RUN = ["node", join(ROOT, "scripts", "run.mjs")];

let fixture: CliFixture;
let userDir: string;

beforeEach(async () => {
  fixture = await startCliFixture();
  userDir = mkdtempSync(join(tmpdir(), "grantpool-user-"));
});

afterEach(async () => {
  await fixture[Symbol.asyncDispose]();
  rmSync(userDir, { recursive: true, force: true });
});

/** The fixture's settings with the data directory left to the command line. */
function envWithoutDataDir(): Record<string, string> {
  const { GRANTPOOL_DATA_DIR: _dataDir, ...rest } = fixture.env;
  return { ...rest, INIT_CWD: userDir };
}

describe("npm run grantpool -- … with relative paths", () => {
  test("reads --refresh-token-file and writes --data-dir in the directory npm was run in", async () => {
    writeFileSync(
      join(userDir, "token.txt"),
      `${fixture.google.addIdentity({ email: "ada@example.com" })}\n`,
    );
    const args = ["accounts", "add", "--refresh-token-file", "./token.txt", "--data-dir", "./pool"];
    const run = await runCommand(RUN, args, { env: envWithoutDataDir(), cwd: ROOT });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(readdirSync(join(userDir, "pool", "accounts"))).toHaveLength(1);
    expect(existsSync(join(ROOT, "pool"))).toBe(false);
  });

  test("reads --config from the directory npm was run in", async () => {
    writeFileSync(join(userDir, "c.yaml"), "json: true\n");
    const args = ["accounts", "list", "--config", "./c.yaml", "--data-dir", "./pool"];
    const run = await runCommand(RUN, args, { env: envWithoutDataDir(), cwd: ROOT });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([]);
  });
});
