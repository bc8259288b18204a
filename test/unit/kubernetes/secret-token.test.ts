import { describe, expect, test } from "bun:test";
import type { AccountResource, SecretResource } from "../../../src/kubernetes/account-resource.ts";
import { readSecretToken, secretTokenData, secretTokenOf } from "../../../src/kubernetes/secret-token.ts";

const resource = (key?: string): AccountResource => ({
  metadata: { name: "alice", namespace: "ns" },
  spec: { secretRef: { name: "alice-token", key: key ?? "refresh_token" }, proxyDisabled: false },
});

const secret = (data: Record<string, string>): SecretResource => ({
  metadata: { name: "alice-token" },
  data,
});

describe("the refresh token in an Account's Secret", () => {
  test("reads back what was written, under the default key or the Account's own", () => {
    expect(readSecretToken(resource(), secret(secretTokenData("rt-1")))).toEqual({ token: "rt-1" });
    expect(secretTokenOf(resource("token"), secret(secretTokenData("rt-2", "token")))).toBe("rt-2");
  });

  test("trims what kubectl create secret --from-file leaves around the token", () => {
    const data = { refresh_token: Buffer.from("  rt-1\n").toString("base64") };
    expect(secretTokenOf(resource(), secret(data))).toBe("rt-1");
  });

  test("says why there is none: no Secret, no such key, an empty value", () => {
    expect(readSecretToken(resource(), undefined)).toEqual({ missing: 'Secret "alice-token" not found' });
    expect(readSecretToken(resource("token"), secret(secretTokenData("rt-1")))).toEqual({
      missing: 'Secret "alice-token" has no key "token"',
    });
    expect(secretTokenOf(resource(), secret(secretTokenData(" ")))).toBeUndefined();
  });
});
