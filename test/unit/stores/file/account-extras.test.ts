/**
 * What the file codec carries besides the Account fields it owns: the reference's other members
 * (extras), which a new file written from the account keeps, and its validation block, which the
 * pool honours.
 */
import { describe, expect, test } from "bun:test";
import type { Account } from "../../../../src/accounts/account.ts";
import { decodeAccountFile } from "../../../../src/stores/file/account-file-decoder.ts";
import { encodeAccountFile } from "../../../../src/stores/file/account-file-encoder.ts";
import { readRawMembers } from "../../../../src/stores/file/raw-json-object.ts";

const ID = "0d36780d-5e2b-4d6c-9d43-6f3d1c9f0a11";

function decode(text: string): Account {
  const result = decodeAccountFile(text, { fileId: ID, fallbackCreatedAt: 0 });
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

function fileWith(top: string, token = ""): string {
  return `{
  "id": "${ID}",
  "email": "a@example.com",
  "name": "A B",
  "token": {
    "access_token": "access-value",
    "refresh_token": "refresh-value",
    "expiry_timestamp": 1760000000${token}
  },
  "disabled": false,
  "created_at": 1760000000,
  "last_used": 1760000500${top}
}
`;
}

/** Antigravity-Manager 4.5.8's members that grantpool does not model, as it writes them. */
const REFERENCE_TOP = `,
  "device_profile": {"machine_id": "m", "mac_machine_id": "mm", "dev_device_id": "d", "sqm_id": "{S}"},
  "quota": {"models": [{"name": "gemini-2.5-pro", "percentage": 87.50}], "is_forbidden": false},
  "protected_models": ["claude-sonnet-4-5"],
  "validation_blocked": true,
  "validation_blocked_until": 1770000000,
  "validation_blocked_reason": "VALIDATION_REQUIRED",
  "validation_url": "https://accounts.google.com/signin/continue?x=1",
  "custom_label": "caf\\u00e9",
  "big": 12345678901234567890123`;
const REFERENCE_TOKEN = `,
    "session_id": "sess-1",
    "oauth_client_key": "antigravity_enterprise",
    "t_num": 2.50`;

describe("account extras and validation blocks", () => {
  test("decoding keeps every member the codec does not own as raw text, in order, top level and in token", () => {
    const account = decode(fileWith(REFERENCE_TOP, REFERENCE_TOKEN));
    expect(account.extras?.account.map((m) => m.key)).toEqual([
      "device_profile",
      "quota",
      "protected_models",
      "validation_blocked",
      "validation_blocked_until",
      "validation_blocked_reason",
      "validation_url",
      "custom_label",
      "big",
    ]);
    expect(account.extras?.account.find((m) => m.key === "custom_label")?.json).toBe(`"caf\\u00e9"`);
    expect(account.extras?.token).toEqual([
      { key: "session_id", json: `"sess-1"` },
      { key: "oauth_client_key", json: `"antigravity_enterprise"` },
      { key: "t_num", json: "2.50" },
    ]);
  });

  test("an account file with only owned members has no extras", () => {
    expect(decode(fileWith("")).extras).toBeUndefined();
  });

  test("a new file written from a decoded account keeps its extras byte for byte in value", () => {
    const source = fileWith(REFERENCE_TOP, REFERENCE_TOKEN);
    const written = encodeAccountFile(decode(source));
    const rawOf = (text: string) => new Map(readRawMembers(text).map((m) => [m.key, m.rawValue]));
    const [before, after] = [rawOf(source), rawOf(written)];
    for (const key of [
      "device_profile",
      "quota",
      "protected_models",
      "validation_blocked_until",
      "custom_label",
      "big",
    ])
      expect({ key, raw: after.get(key) }).toEqual({ key, raw: before.get(key) });
    const tokenOf = (raw: Map<string, string>) =>
      new Map(readRawMembers(raw.get("token") ?? "{}").map((m) => [m.key, m.rawValue]));
    expect(tokenOf(after).get("t_num")).toBe("2.50");
    expect(tokenOf(after).get("oauth_client_key")).toBe(`"antigravity_enterprise"`);
    // The same account; the quota members now stand where the reference puts them (after token).
    const byKey = (account: Account) => ({
      ...account,
      extras: {
        ...account.extras,
        account: account.extras?.account.toSorted((a, b) => (a.key < b.key ? -1 : 1)),
      },
    });
    expect(byKey(decode(written))).toEqual(byKey(decode(source)));
  });

  test("a rewrite keeps the file's own members, not the extras the account brought", () => {
    const current = fileWith(`,\n  "quota": {"is_forbidden": true}`);
    const stale = decode(fileWith(`,\n  "quota": {"is_forbidden": false}`));
    const written = encodeAccountFile({ ...stale, lastUsed: 1 }, current);
    expect(readRawMembers(written).find((m) => m.key === "quota")?.rawValue).toBe(`{"is_forbidden": true}`);
  });

  test("extras named like a member the codec owns never override it", () => {
    const account: Account = {
      ...decode(fileWith("")),
      extras: {
        account: [{ key: "email", json: `"other@example.com"` }],
        token: [{ key: "refresh_token", json: `"x"` }],
      },
    };
    const written = decode(encodeAccountFile(account));
    expect(written.email).toBe("a@example.com");
    expect(written.token.refreshToken).toBe("refresh-value");
  });

  test("reads the validation block as the reference's proxy does: in force unless validation_blocked is false", () => {
    expect(decode(fileWith(REFERENCE_TOP))).toMatchObject({
      validationBlockedUntil: 1_770_000_000,
      validationUrl: "https://accounts.google.com/signin/continue?x=1",
    });
    expect(decode(fileWith(`,\n  "validation_blocked_until": 1770000000`)).validationBlockedUntil).toBe(
      1_770_000_000,
    );
    for (const members of [
      `,\n  "validation_blocked": false,\n  "validation_blocked_until": 1770000000`,
      `,\n  "validation_blocked": true,\n  "validation_blocked_until": 0`,
      `,\n  "validation_blocked": true,\n  "validation_blocked_until": null`,
      `,\n  "validation_blocked": true,\n  "validation_blocked_until": "1770000000"`,
      `,\n  "validation_blocked": true`,
    ]) {
      const account = decode(fileWith(members));
      expect({ members, until: account.validationBlockedUntil }).toEqual({ members, until: undefined });
    }
  });
});
