import { describe, expect, test } from "bun:test";
import type { Account } from "../../../../src/accounts/account.ts";
import { clearDisabled, markDisabled } from "../../../../src/accounts/account-transitions.ts";
import { decodeAccountFile } from "../../../../src/stores/file/account-file-decoder.ts";
import { encodeAccountFile } from "../../../../src/stores/file/account-file-encoder.ts";
import { readRawMembers } from "../../../../src/stores/file/raw-json-object.ts";

const ID = "0d36780d-5e2b-4d6c-9d43-6f3d1c9f0a11";
const context = { fileId: ID, fallbackCreatedAt: 1_700_000_000 };

const account: Account = {
  id: ID,
  email: "a@example.com",
  name: "A B",
  token: {
    accessToken: "access-value",
    refreshToken: "refresh-value",
    expiresIn: 3599,
    expiryTimestamp: 1_760_000_000,
    tokenType: "Bearer",
    email: "a@example.com",
    projectId: "proj-1",
  },
  disabled: false,
  proxyDisabled: false,
  createdAt: 1_760_000_000,
  lastUsed: 1_760_000_500,
};

function decode(text: string): Account {
  const result = decodeAccountFile(text, context);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

function reason(text: string): string {
  const result = decodeAccountFile(text, context);
  if (result.ok) throw new Error("expected the file to be rejected");
  return result.error;
}

/** The reference's file, with members grantpool does not know at both levels. */
const referenceFile = `{
  "id": "${ID}",
  "email": "a@example.com",
  "name": "A B",
  "token": {
    "access_token": "access-value",
    "refresh_token": "refresh-value",
    "expires_in": 3599,
    "expiry_timestamp": 1760000000,
    "token_type": "Bearer",
    "email": "a@example.com",
    "project_id": "proj-1",
    "session_id": "sess-1",
    "is_gcp_tos": true,
    "t_num": 2.50
  },
  "quota": null,
  "x": 1.0,
  "big": 12345678901234567890123,
  "s": "\\u00e9",
  "nested": {"a": [1, 2.50]},
  "disabled": false,
  "created_at": 1760000000,
  "last_used": 1760000500
}`;

describe("account file codec", () => {
  test("writes a new account in the reference format, pretty-printed with 2 spaces", () => {
    expect(encodeAccountFile(account)).toBe(`{
  "id": "${ID}",
  "email": "a@example.com",
  "name": "A B",
  "token": {
    "access_token": "access-value",
    "refresh_token": "refresh-value",
    "expires_in": 3599,
    "expiry_timestamp": 1760000000,
    "token_type": "Bearer",
    "email": "a@example.com",
    "project_id": "proj-1"
  },
  "disabled": false,
  "proxy_disabled": false,
  "created_at": 1760000000,
  "last_used": 1760000500
}
`);
  });

  test("reads what it writes", () => {
    const disabled = markDisabled(
      account,
      "invalid_grant: Token has been expired or revoked.",
      1_770_000_000,
    );
    expect(decode(encodeAccountFile(disabled))).toEqual(disabled);
  });

  test("keeps unknown members byte for byte in value, at the top level and inside token", () => {
    const disabled = markDisabled(decode(referenceFile), "invalid_grant: revoked", 1_770_000_000);
    const written = encodeAccountFile(disabled, referenceFile);
    expect(written).toContain(`"x": 1.0,`);
    expect(written).toContain(`"big": 12345678901234567890123,`);
    expect(written).toContain(`"s": "\\u00e9",`);
    expect(written).toContain(`"nested": {"a": [1, 2.50]},`);
    expect(written).toContain(`"quota": null,`);
    const rawOf = (text: string, key: string) => readRawMembers(text).find((m) => m.key === key)?.rawValue;
    const tokenBefore = readRawMembers(rawOf(referenceFile, "token") ?? "");
    const tokenAfter = readRawMembers(rawOf(written, "token") ?? "");
    for (const key of ["session_id", "is_gcp_tos", "t_num"]) {
      expect(tokenAfter.find((m) => m.key === key)?.rawValue).toBe(
        tokenBefore.find((m) => m.key === key)?.rawValue,
      );
    }
    expect(decode(written)).toEqual(disabled);
  });

  test("keeps the file's member order and puts new members after the ones it had", () => {
    const disabled = markDisabled(decode(referenceFile), "invalid_grant: revoked", 1_770_000_000);
    const keys = readRawMembers(encodeAccountFile(disabled, referenceFile)).map((m) => m.key);
    expect(keys).toEqual([
      "id",
      "email",
      "name",
      "token",
      "quota",
      "x",
      "big",
      "s",
      "nested",
      "disabled",
      "created_at",
      "last_used",
      "disabled_at",
      "disabled_reason",
      "proxy_disabled",
    ]);
  });

  test("removes disabled_at and disabled_reason from the file when the account no longer has them", () => {
    const disabled = markDisabled(decode(referenceFile), "invalid_grant: revoked", 1_770_000_000);
    const first = encodeAccountFile(disabled, referenceFile);
    const second = encodeAccountFile(clearDisabled(decode(first)), first);
    expect(second).not.toContain("disabled_at");
    expect(second).not.toContain("disabled_reason");
    expect(second).toContain(`"big": 12345678901234567890123,`);
  });

  test("keeps the raw text of known members whose value did not change", () => {
    const file = referenceFile.replace(`"created_at": 1760000000`, `"created_at": 1760000000.0`);
    const written = encodeAccountFile({ ...decode(file), lastUsed: 1_780_000_000 }, file);
    expect(written).toContain(`"created_at": 1760000000.0,`);
    expect(written).toContain(`"last_used": 1780000000`);
  });

  test("reads missing flags as false, nulls as absent, a missing created_at as the file's time", () => {
    const minimal = `{"id": "${ID}", "email": "a@example.com", "name": null,
      "token": {"refresh_token": "refresh-value", "project_id": null}, "disabled_reason": null}`;
    expect(decode(minimal)).toEqual({
      id: ID,
      email: "a@example.com",
      token: { accessToken: "", refreshToken: "refresh-value", expiryTimestamp: 0 },
      disabled: false,
      proxyDisabled: false,
      createdAt: 1_700_000_000,
    });
  });

  test("tolerates a byte-order mark", () => {
    expect(decode(`\uFEFF${referenceFile}`).id).toBe(ID);
  });

  test("rejects a file whose id, email or refresh token is missing or empty, naming each", () => {
    const text = `{"id": "", "email": 3, "token": {"refresh_token": "  "}}`;
    expect(reason(text)).toBe(
      "id: expected a non-empty string; email: expected a non-empty string; token.refresh_token: expected a non-empty string",
    );
    expect(reason(`{"id": "${ID}", "email": "a@example.com"}`)).toBe("token: missing");
    expect(reason(`{"id": "${ID}", "email": "a@example.com", "token": {}}`)).toBe(
      "token.refresh_token: missing",
    );
    expect(reason(`[1]`)).toBe("file: expected a JSON object");
  });

  test("rejects a file whose id is not its file name", () => {
    const other = referenceFile.replace(`"id": "${ID}"`, `"id": "another-id"`);
    expect(reason(other)).toBe(`id: does not match the file name (expected "${ID}")`);
  });

  test("describes invalid JSON by position without quoting the file", () => {
    const text = `{\n  "token": {"refresh_token": "1//very-secret-value"},\n}`;
    const message = reason(text);
    expect(message).toBe(`Unexpected "}" at line 3, column 1`);
    expect(reason(`{"refresh_token": "1//very-secret-value`)).toBe(
      "Unterminated string at line 1, column 40",
    );
  });

  test("never names a value in a schema complaint", () => {
    const text = `{"id": "${ID}", "email": "a@example.com", "token": {"refresh_token": 123456789, "access_token": true}}`;
    const message = reason(text);
    expect(message).toBe(
      "token.access_token: expected a string or null; token.refresh_token: expected a non-empty string",
    );
  });
});
