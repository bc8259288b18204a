import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import * as path from "node:path";
import { clearDisabled, markDisabled } from "../../../src/accounts/account-transitions.ts";
import type { AccountStore } from "../../../src/stores/account-store.ts";
import { encodeAccountFile } from "../../../src/stores/file/account-file-encoder.ts";
import { FileAccountStore } from "../../../src/stores/file/file-account-store.ts";
import { readRawMembers } from "../../../src/stores/file/raw-json-object.ts";
import { type CapturedLog, captureLog } from "../../support/captured-log.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { createTempDir, sampleAccount, type TempDir } from "../../support/store-fixtures.ts";
import { describeAccountStoreContract } from "./account-store-contract.ts";

describeAccountStoreContract("file store", async () => {
  const dir = createTempDir();
  const handles: AccountStore[] = [];
  const clock = new FakeClock();
  return {
    open: async () => {
      const handle = new FileAccountStore({ dataDir: dir.path, log: captureLog(clock).logger, clock });
      handles.push(handle);
      return handle;
    },
    cleanup: async () => {
      await Promise.all(handles.map((handle) => handle.close()));
      dir.remove();
    },
  };
});

describe("file store files", () => {
  let dir: TempDir;
  let accountsDir: string;
  let log: CapturedLog;
  let store: AccountStore;

  beforeEach(() => {
    dir = createTempDir();
    accountsDir = path.join(dir.path, "accounts");
    const clock = new FakeClock();
    log = captureLog(clock);
    store = new FileAccountStore({ dataDir: dir.path, log: log.logger, clock });
  });

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  const fileOf = (id: string): string => path.join(accountsDir, `${id}.json`);

  test("writes the reference format with mode 0600 in an accounts directory with mode 0700", async () => {
    const account = sampleAccount();
    await store.upsertByEmail(account.email, () => account);
    const text = readFileSync(fileOf(account.id), "utf8");
    expect(JSON.parse(text)).toEqual({
      id: account.id,
      email: account.email,
      name: account.name,
      token: {
        access_token: account.token.accessToken,
        refresh_token: account.token.refreshToken,
        expires_in: 3599,
        expiry_timestamp: account.token.expiryTimestamp,
        token_type: "Bearer",
        email: account.email,
        project_id: account.token.projectId,
      },
      disabled: false,
      proxy_disabled: false,
      created_at: account.createdAt,
      last_used: account.lastUsed,
    });
    expect(text.startsWith(`{\n  "id": "${account.id}",\n  "email": `)).toBe(true);
    expect(statSync(fileOf(account.id)).mode & 0o777).toBe(0o600);
    expect(statSync(accountsDir).mode & 0o777).toBe(0o700);
    // No temporary file and no lock file stay behind.
    expect(readdirSync(accountsDir)).toEqual([`${account.id}.json`]);
  });

  test("keeps unknown fields byte for byte in value when it rewrites a file", async () => {
    const account = sampleAccount();
    mkdirSync(accountsDir, { recursive: true });
    const original = encodeAccountFile(account)
      .replace(`"token": {`, `"token": {\n    "session_id": "s-\\u00e9", "is_gcp_tos": true, "n": 2.50,`)
      .replace(
        /\n}\n$/,
        `,\n  "x": 1.0, "big": 12345678901234567890123, "s": "\\u00e9",\n  "nested": {"a": [1, 2.50]}\n}\n`,
      );
    writeFileSync(fileOf(account.id), original);
    await store.update(account.id, (current) =>
      markDisabled(current, "invalid_grant: revoked", 1_770_000_000),
    );
    const disabledText = readFileSync(fileOf(account.id), "utf8");
    expect(disabledText).toContain(`"disabled_reason": "invalid_grant: revoked"`);
    await store.update(account.id, clearDisabled);
    const rewritten = readFileSync(fileOf(account.id), "utf8");
    expect(rewritten).not.toContain("disabled_reason");

    const unknown = (text: string, within?: string) => {
      const members = readRawMembers(text);
      const scope =
        within === undefined
          ? members
          : readRawMembers(members.find((m) => m.key === within)?.rawValue ?? "");
      return Object.fromEntries(scope.map((m) => [m.key, m.rawValue]));
    };
    for (const key of ["x", "big", "s", "nested"])
      expect(unknown(rewritten)[key]).toBe(unknown(original)[key]);
    for (const key of ["session_id", "is_gcp_tos", "n"]) {
      expect(unknown(rewritten, "token")[key]).toBe(unknown(original, "token")[key]);
    }
    expect(unknown(rewritten).big).toBe("12345678901234567890123");
    expect(unknown(rewritten).x).toBe("1.0");
  });

  test("refuses ids that are not plain file names", async () => {
    expect(await store.get("../escape")).toBeUndefined();
    expect(await store.update("../escape", (a) => a)).toEqual({ status: "missing" });
    expect(await store.remove("../escape")).toBe(false);
    const account = sampleAccount({ id: "../escape" });
    await expect(store.upsertByEmail(account.email, () => account)).rejects.toMatchObject({
      code: "INVALID_ACCOUNT",
    });
  });

  test("refuses to store an account that would not read back", async () => {
    const account = sampleAccount({ token: { refreshToken: "" } });
    await expect(store.upsertByEmail(account.email, () => account)).rejects.toThrow(
      `Cannot store account "${account.id}": token.refresh_token: expected a non-empty string`,
    );
  });

  test("breaks a lock left by a dead process and removes the temporary file it left", async () => {
    const account = sampleAccount({ lastUsed: 1 });
    await store.upsertByEmail(account.email, () => account);
    const exited = Bun.spawnSync([process.execPath, "-e", "0"]);
    const owner = { pid: exited.pid, host: hostname(), acquiredAt: Date.now(), nonce: "x" };
    writeFileSync(path.join(accountsDir, ".lock"), JSON.stringify(owner));
    writeFileSync(path.join(accountsDir, `.${account.id}.json.${randomUUID()}.tmp`), '{"id": "half');
    const result = await store.update(account.id, (current) => ({ ...current, lastUsed: 2 }));
    expect(result.status).toBe("updated");
    expect(log.messages("warn")).toEqual([
      `Breaking stale account store lock ${path.join(accountsDir, ".lock")}: owner pid ${exited.pid} is not running`,
    ]);
    expect(readdirSync(accountsDir)).toEqual([`${account.id}.json`]);
  });
});
