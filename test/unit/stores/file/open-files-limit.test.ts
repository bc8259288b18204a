import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { encodeAccountFile } from "../../../../src/stores/file/account-file-encoder.ts";
import { createTempDir, sampleAccount, type TempDir } from "../../../support/store-fixtures.ts";

// Far more account files than the child may hold open at once.
const FILES = 2000;
const OPEN_FILES_LIMIT = 64;
const CHILD = path.join(import.meta.dir, "../../../support/store-list-child.ts");

interface Listed {
  readonly ids: string[];
  readonly warnings: string[];
  readonly exhausted: number;
}

/** Runs the child under `ulimit -n`; a child that hangs is killed at the deadline. */
async function listInChild(dataDir: string, mode: "watch" | "list" | "exhausted"): Promise<Listed> {
  const child = Bun.spawn(
    ["sh", "-c", `ulimit -n ${OPEN_FILES_LIMIT} && exec "$0" "$@"`, process.execPath, CHILD, dataDir, mode],
    { stdin: "ignore", stdout: "pipe", stderr: "pipe" },
  );
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    const [code, stdout, stderr] = await Promise.all([
      child.exited,
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    if (code !== 0) throw new Error(`the store's process exited with ${code}: ${stderr}`);
    return JSON.parse(stdout) as Listed;
  } finally {
    clearTimeout(timer);
  }
}

describe(`a file store under an open-files limit of ${OPEN_FILES_LIMIT}`, () => {
  let dir: TempDir;
  let ids: string[];

  beforeAll(() => {
    dir = createTempDir();
    const accountsDir = path.join(dir.path, "accounts");
    mkdirSync(accountsDir);
    ids = Array.from({ length: FILES }, () => {
      const account = sampleAccount();
      writeFileSync(path.join(accountsDir, `${account.id}.json`), encodeAccountFile(account));
      return account.id;
    }).sort();
  });

  afterAll(() => dir.remove());

  test(`starts (watch, then list) with all ${FILES} accounts and no warning`, async () => {
    const listed = await listInChild(dir.path, "watch");
    expect(listed.warnings).toEqual([]);
    expect(listed.ids.sort()).toEqual(ids);
  });

  test(`lists all ${FILES} accounts and no warning`, async () => {
    const listed = await listInChild(dir.path, "list");
    expect(listed.warnings).toEqual([]);
    expect(listed.ids.sort()).toEqual(ids);
  });

  test("waits for descriptors while none is left, and skips no account for the lack of one", async () => {
    const listed = await listInChild(dir.path, "exhausted");
    expect(listed.exhausted).toBeGreaterThan(0);
    expect(listed.warnings).toEqual([]);
    expect(listed.ids.sort()).toEqual(ids);
  });
});
