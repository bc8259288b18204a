import { describe, expect, test } from "bun:test";
import type { Account } from "../../../src/accounts/account.ts";
import {
  clearProxyDisabled,
  markDisabled,
  markProxyDisabled,
  replaceToken,
  truncateReason,
} from "../../../src/accounts/account-transitions.ts";

const account: Account = {
  id: "a1",
  email: "a@example.com",
  token: { accessToken: "at-1", refreshToken: "rt-1", expiryTimestamp: 100 },
  disabled: false,
  proxyDisabled: false,
  createdAt: 1,
};

describe("account transitions", () => {
  test("keeps reasons of up to 800 characters whole", () => {
    const reason = "x".repeat(800);
    expect(truncateReason(reason)).toBe(reason);
  });

  test("cuts a longer reason to 800 characters ending in ...", () => {
    const cut = truncateReason(`invalid_grant: ${"y".repeat(1000)}`);
    expect(cut).toHaveLength(800);
    expect(cut.endsWith("...")).toBe(true);
    expect(cut.startsWith("invalid_grant: yyy")).toBe(true);
  });

  test("disabling records when and why, with the reason cut", () => {
    const disabled = markDisabled(account, "z".repeat(900), 1234);
    expect(disabled).toMatchObject({ disabled: true, disabledAt: 1234 });
    expect(disabled.disabledReason).toHaveLength(800);
  });

  test("a new token clears disabled, disabled_at and disabled_reason but not proxy_disabled", () => {
    const dead = markProxyDisabled(markDisabled(account, "invalid_grant: revoked", 5), "manual", 6);
    const revived = replaceToken(dead, { accessToken: "at-2", refreshToken: "rt-2", expiryTimestamp: 200 });
    expect(revived.disabled).toBe(false);
    expect("disabledAt" in revived).toBe(false);
    expect("disabledReason" in revived).toBe(false);
    expect(revived.proxyDisabled).toBe(true);
    expect(revived.id).toBe("a1");
  });

  test("the same token again does not re-enable a disabled account", () => {
    const dead = markDisabled(account, "invalid_grant: revoked", 5);
    expect(replaceToken(dead, dead.token).disabled).toBe(true);
  });

  test("enabling clears the proxy-disabled fields", () => {
    const back = clearProxyDisabled(markProxyDisabled(account, "manual", 9));
    expect(back.proxyDisabled).toBe(false);
    expect("proxyDisabledReason" in back).toBe(false);
    expect("proxyDisabledAt" in back).toBe(false);
  });
});
