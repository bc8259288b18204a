/**
 * The account file's quota members in the reference's format: read into the model, written back
 * where grantpool changed them, kept as they were everywhere else, and the reference's legacy
 * whole-account protection read the way it reads it now.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Account } from "../../../../src/accounts/account.ts";
import type { AccountQuota } from "../../../../src/accounts/quota.ts";
import { decodeAccountFile } from "../../../../src/stores/file/account-file-decoder.ts";
import { encodeAccountFile } from "../../../../src/stores/file/account-file-encoder.ts";
import { readRawMembers } from "../../../../src/stores/file/raw-json-object.ts";

const FIXTURE = readFileSync(
  new URL("../../../support/fixtures/reference-accounts/quota-account.json", import.meta.url),
  "utf8",
);
const ID = "7b1f2c9e-3a44-4d1e-9c0b-2f6a8e4d5c31";

function decode(text: string): Account {
  const result = decodeAccountFile(text, { fileId: ID, fallbackCreatedAt: 0 });
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

function member(text: string, key: string): string | undefined {
  return readRawMembers(text).find((m) => m.key === key)?.rawValue;
}

/** The fixture with its top-level `key` replaced by `raw` (or dropped when raw is undefined). */
function withMember(key: string, raw: string | undefined): string {
  const parsed = JSON.parse(FIXTURE) as Record<string, unknown>;
  if (raw === undefined) delete parsed[key];
  else parsed[key] = JSON.parse(raw);
  return JSON.stringify(parsed, null, 2);
}

const FRESH: AccountQuota = {
  models: [
    { name: "gemini-3-flash", percentage: 90, resetTime: "2026-12-04T00:00:00Z" },
    { name: "claude-sonnet-4-5", percentage: 55, resetTime: "2026-12-04T01:00:00Z" },
  ],
  lastUpdated: 1_764_790_000,
  isForbidden: false,
  subscriptionTier: "g1-pro-tier",
};

describe("quota members of an account file (the reference's format)", () => {
  test("reads the quota per model, its time, tier and forbidden flag, and the protected groups", () => {
    const account = decode(FIXTURE);
    expect(account.quota).toEqual({
      models: [
        { name: "gemini-3-pro-high", percentage: 100, resetTime: "2026-12-03T21:00:00Z" },
        { name: "gemini-3-flash", percentage: 42, resetTime: "2026-12-03T19:30:00Z" },
        { name: "claude-sonnet-4-5", percentage: 7, resetTime: "2026-12-03T20:15:00Z" },
        { name: "claude-opus-4-5-thinking", percentage: 3, resetTime: "2026-12-03T20:00:00Z" },
      ],
      lastUpdated: 1_764_779_000,
      isForbidden: false,
      subscriptionTier: "g1-pro-tier",
    });
    expect(account.protectedModels).toEqual(["claude"]);
  });

  test("an account rewritten unchanged is the same file, byte for byte", () => {
    expect(encodeAccountFile(decode(FIXTURE), FIXTURE)).toBe(FIXTURE);
  });

  test("a fetched quota replaces the models and time; the quota's other members and the file's stay", () => {
    const written = encodeAccountFile({ ...decode(FIXTURE), quota: FRESH, protectedModels: [] }, FIXTURE);
    expect(decode(written).quota).toEqual(FRESH);
    expect(decode(written).protectedModels).toEqual([]);
    const quotaMembers = new Map(
      readRawMembers(member(written, "quota") ?? "{}").map((m) => [m.key, m.rawValue]),
    );
    expect(quotaMembers.get("forbidden_reason")).toBe("null");
    expect(quotaMembers.get("model_forwarding_rules")).toBe("{}");
    for (const key of ["device_profile", "custom_label", "token", "created_at"])
      expect({ key, raw: member(written, key) }).toEqual({ key, raw: member(FIXTURE, key) });
    expect(readRawMembers(written).map((m) => m.key)).toEqual(readRawMembers(FIXTURE).map((m) => m.key));
  });

  test("a quota member of another shape is no quota, never a broken file, and is kept as it was", () => {
    for (const raw of [
      `{"models": "gemini"}`,
      `{"models": [{"name": 3, "percentage": 1}]}`,
      `{"models": [{"name": "x", "percentage": "full"}]}`,
      `[]`,
      `"full"`,
      JSON.stringify({ models: Array.from({ length: 1001 }, (_, i) => ({ name: `m${i}`, percentage: 1 })) }),
    ]) {
      const text = withMember("quota", raw);
      const account = decode(text);
      expect({ raw, quota: account.quota }).toEqual({ raw, quota: undefined });
      const rewritten = encodeAccountFile({ ...account, lastUsed: 1 }, text);
      expect(JSON.parse(member(rewritten, "quota") ?? "null")).toEqual(JSON.parse(raw));
    }
  });

  test("protected_models of another shape is none, and is kept as it was", () => {
    const text = withMember("protected_models", `{"claude": true}`);
    const account = decode(text);
    expect(account.protectedModels).toBeUndefined();
    expect(member(encodeAccountFile({ ...account, lastUsed: 1 }, text), "protected_models")).toBe(
      member(text, "protected_models"),
    );
  });

  test("a new file gets the quota members the account brought, in their text", () => {
    const written = encodeAccountFile(decode(FIXTURE));
    expect(member(written, "quota")).toBe(member(FIXTURE, "quota"));
    expect(member(written, "protected_models")).toBe(member(FIXTURE, "protected_models"));
  });

  test("the reference's legacy protection (proxy-disabled for quota) is read as protection of every default group", () => {
    const legacy = withMember("protected_models", undefined).replace(
      `"proxy_disabled": false`,
      `"proxy_disabled": true,\n  "proxy_disabled_reason": "quota_protection",\n  "proxy_disabled_at": 1764000000`,
    );
    const account = decode(legacy);
    expect(account.proxyDisabled).toBe(false);
    expect(account.proxyDisabledReason).toBeUndefined();
    expect(account.protectedModels).toEqual([
      "claude",
      "gemini-3-pro-high",
      "gemini-3-flash",
      "gemini-3.1-flash-image",
    ]);
    const migrated = encodeAccountFile(account, legacy);
    expect(member(migrated, "proxy_disabled")).toBe("false");
    expect(member(migrated, "proxy_disabled_reason")).toBeUndefined();
    expect(decode(migrated).protectedModels).toEqual(account.protectedModels);
  });

  test("a manual proxy-disable is not touched by the legacy reading", () => {
    const manual = withMember("proxy_disabled_reason", `"manual"`).replace(
      `"proxy_disabled": false`,
      `"proxy_disabled": true`,
    );
    expect(decode(manual)).toMatchObject({ proxyDisabled: true, proxyDisabledReason: "manual" });
  });
});
