/**
 * SPEC §5.1: an account under a temporary validation block does not enter rotation until the block
 * ends. Antigravity-Manager writes the block into the account file (`validation_blocked`,
 * `validation_blocked_until` in Unix seconds, `validation_blocked_reason`, `validation_url`).
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { Account } from "../../../src/accounts/account.ts";
import { acquireWithFailover } from "../../../src/pool/acquire-with-failover.ts";
import { encodeAccountFile } from "../../../src/stores/file/account-file-encoder.ts";
import { FileAccountStore } from "../../../src/stores/file/file-account-store.ts";
import { readRawMembers } from "../../../src/stores/file/raw-json-object.ts";
import { captureLog } from "../../support/captured-log.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { startPoolFixture } from "../../support/pool-fixture.ts";
import { createTempDir } from "../../support/store-fixtures.ts";
import { waitFor } from "../../support/wait-for.ts";

const A = "alice@example.com";
const B = "bob@example.com";
/** The pool fixture's clock starts here (FakeClock's default). */
const START_SECONDS = new FakeClock().now() / 1000;
const URL = "https://accounts.google.com/signin/continue?validation=1";

function withMembers(account: Account, members: Record<string, unknown>): string {
  if (Object.keys(members).length === 0) return encodeAccountFile(account);
  const extra = Object.entries(members)
    .map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
    .join(",\n");
  return encodeAccountFile(account).replace(/\n}\n$/, `,\n${extra}\n}\n`);
}

/** A file store holding the fixture's accounts, Alice's file carrying `aliceMembers`. */
function fileStoreWith(aliceMembers: Record<string, unknown>) {
  const dir = createTempDir();
  const accountsDir = path.join(dir.path, "accounts");
  const aliceFile = path.join(accountsDir, "id-alice.json");
  const clock = new FakeClock();
  const factory = (accounts: Account[]) => {
    mkdirSync(accountsDir, { recursive: true });
    for (const account of accounts) {
      const text = account.email === A ? withMembers(account, aliceMembers) : encodeAccountFile(account);
      writeFileSync(path.join(accountsDir, `${account.id}.json`), text);
    }
    return new FileAccountStore({
      dataDir: dir.path,
      log: captureLog(clock).logger,
      clock,
      pollIntervalMs: 20,
    });
  };
  return { factory, aliceFile, [Symbol.dispose]: () => dir.remove() };
}

async function servedEmails(
  f: Awaited<ReturnType<typeof startPoolFixture>>,
  requests: number,
): Promise<string[]> {
  const emails: string[] = [];
  for (let i = 0; i < requests; i++) {
    const lease = await acquireWithFailover(f.pool, { maxAttempts: 2, tried: new Set() });
    if (!lease.ok) throw new Error(`request ${i}: ${lease.error.kind}`);
    emails.push(lease.value.email);
  }
  return emails;
}

describe("validation blocks written by Antigravity-Manager", () => {
  test("keep the account out of rotation until validation_blocked_until, then let it back", async () => {
    using files = fileStoreWith({
      validation_blocked: true,
      validation_blocked_until: START_SECONDS + 600,
      validation_blocked_reason: "VALIDATION_REQUIRED",
      validation_url: URL,
    });
    await using f = await startPoolFixture({ emails: [A, B], store: files.factory });
    const validationMembers = () =>
      readRawMembers(readFileSync(files.aliceFile, "utf8")).filter((m) => m.key.startsWith("validation_"));
    const before = validationMembers();
    expect(before).toHaveLength(4);

    expect(f.pool.summary()).toMatchObject({ total: 2, active: 1, coolingDown: 1 });
    expect(f.pool.summary().earliestRetryAt).toBe((START_SECONDS + 600) * 1000);
    expect(f.pool.health("id-alice")?.accountBlockAt(f.clock.now())).toEqual({
      until: (START_SECONDS + 600) * 1000,
      reason: "validation_required",
      detail: URL,
    });
    expect(await servedEmails(f, 4)).toEqual([B, B, B, B]);

    f.clock.advanceSeconds(599);
    expect(await servedEmails(f, 2)).toEqual([B, B]);
    f.clock.advanceSeconds(1);
    expect(f.pool.summary()).toMatchObject({ active: 2, coolingDown: 0 });
    expect((await servedEmails(f, 4)).sort()).toEqual([A, A, B, B]);
    // Honoured, never rewritten (the token refresh rewrote the file around it): the reference
    // clears an expired block itself when it next loads the file.
    expect(validationMembers()).toEqual(before);
  });

  test("are not in force once validation_blocked is false, or once their time has passed", async () => {
    for (const members of [
      { validation_blocked: false, validation_blocked_until: START_SECONDS + 600 },
      { validation_blocked: true, validation_blocked_until: START_SECONDS - 1 },
      { validation_blocked: true, validation_blocked_until: 0 },
      { validation_blocked: true, validation_blocked_until: "soon" },
    ]) {
      using files = fileStoreWith(members);
      await using f = await startPoolFixture({ emails: [A, B], store: files.factory });
      expect({ members, summary: f.pool.summary() }).toMatchObject({ members, summary: { active: 2 } });
    }
  });

  test("take effect when written while the pool runs, and end when the record lifts them", async () => {
    using files = fileStoreWith({});
    await using f = await startPoolFixture({ emails: [A, B], store: files.factory });
    const alice = f.account(A);
    expect(f.pool.summary().active).toBe(2);

    const blocked = { validation_blocked: true, validation_blocked_until: START_SECONDS + 3600 };
    writeFileSync(files.aliceFile, withMembers(alice, blocked));
    await waitFor(() => f.pool.summary().coolingDown === 1, { message: "the block written meanwhile" });
    expect(await servedEmails(f, 2)).toEqual([B, B]);

    writeFileSync(files.aliceFile, withMembers(alice, { ...blocked, validation_blocked: false }));
    await waitFor(() => f.pool.summary().active === 2, { message: "the block lifted in the file" });
  });
});
