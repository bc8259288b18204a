import { describe, expect, test } from "bun:test";
import type { AccountResource, SecretResource } from "../../../src/kubernetes/account-resource.ts";
import { tokenFingerprint } from "../../../src/kubernetes/token-fingerprint.ts";
import {
  type ReconcileInput,
  reconcileAccount,
  type Verification,
} from "../../../src/operator/reconcile-account.ts";

const NOW = new Date("2026-01-01T12:00:00Z");

function account(
  status?: AccountResource["status"],
  spec: Partial<AccountResource["spec"]> = {},
): AccountResource {
  return {
    metadata: { name: "alice", namespace: "ns", generation: 3 },
    spec: { secretRef: { name: "alice-token", key: "refresh_token" }, proxyDisabled: false, ...spec },
    ...(status === undefined ? {} : { status }),
  };
}

function secret(token: string): SecretResource {
  return {
    metadata: { name: "alice-token" },
    data: { refresh_token: Buffer.from(token).toString("base64") },
  };
}

function input(
  overrides: Partial<ReconcileInput>,
  verdicts: Verification[] = [],
): ReconcileInput & { verified: string[] } {
  const verified: string[] = [];
  return {
    account: account(),
    secret: secret("rt-1"),
    now: NOW,
    verify: (token) => {
      verified.push(token);
      return Promise.resolve(verdicts.shift() ?? { kind: "valid", email: "alice@example.com" });
    },
    verified,
    ...overrides,
  };
}

const disabledStatus = (token: string) => ({
  disabled: true,
  disabledAt: "2026-01-01T11:00:00Z",
  disabledReason: "invalid_grant: Token has been expired or revoked.",
  disabledTokenHash: tokenFingerprint(token),
  email: "alice@example.com",
});

describe("reconciling an Account", () => {
  test("a missing Secret makes it Ready=False/SecretNotFound, not disabled, with one event", async () => {
    const result = await reconcileAccount(input({ secret: undefined }));
    expect(result.status.disabled).toBeUndefined();
    expect(result.status.conditions?.[0]).toMatchObject({
      type: "Ready",
      status: "False",
      reason: "SecretNotFound",
    });
    expect(result.events.map((e) => e.reason)).toEqual(["SecretNotFound"]);
    const again = await reconcileAccount(input({ secret: undefined, account: account(result.status) }));
    expect(again.events).toEqual([]);
  });

  test("a new account learns its email with one verification and becomes Ready=True/Active", async () => {
    const run = input({});
    const result = await reconcileAccount(run);
    expect(run.verified).toEqual(["rt-1"]);
    expect(result.status).toMatchObject({ email: "alice@example.com", observedGeneration: 3 });
    expect(result.status.conditions?.[0]).toMatchObject({
      status: "True",
      reason: "Active",
      observedGeneration: 3,
    });
  });

  test("a disabled account whose Secret still holds the failed token stays disabled without asking Google", async () => {
    const run = input({ account: account(disabledStatus("rt-1")) });
    const result = await reconcileAccount(run);
    expect(run.verified).toEqual([]);
    expect(result.status.disabled).toBe(true);
    expect(result.status.conditions?.[0]).toMatchObject({ status: "False", reason: "InvalidGrant" });
  });

  test("a rotated token that works clears the disabled fields: Ready=True/TokenRotated and AccountRecovered", async () => {
    const run = input({ account: account(disabledStatus("rt-old")), secret: secret("rt-new") });
    const result = await reconcileAccount(run);
    expect(run.verified).toEqual(["rt-new"]);
    for (const field of ["disabled", "disabledAt", "disabledReason", "disabledTokenHash"]) {
      expect(field in result.status).toBe(false);
    }
    expect(result.status.conditions?.[0]).toMatchObject({ status: "True", reason: "TokenRotated" });
    expect(result.events.map((e) => e.reason)).toEqual(["AccountRecovered"]);
    const next = await reconcileAccount(input({ account: account(result.status), secret: secret("rt-new") }));
    expect(next.status).toEqual(result.status);
  });

  test("a rotated token that is also rejected keeps it disabled, saying so, with the new fingerprint", async () => {
    const run = input({ account: account(disabledStatus("rt-old")), secret: secret("rt-dead") }, [
      { kind: "rejected", reason: "invalid_grant: Token has been expired or revoked." },
    ]);
    const result = await reconcileAccount(run);
    expect(result.status.disabled).toBe(true);
    expect(result.status.disabledReason).toStartWith(
      "invalid_grant: the rotated refresh token was also rejected",
    );
    expect(result.status.disabledTokenHash).toBe(tokenFingerprint("rt-dead"));
    expect(result.events).toEqual([]);
  });

  test("an unreachable Google changes nothing and asks for a retry", async () => {
    const before = account(disabledStatus("rt-old"));
    const result = await reconcileAccount(
      input({ account: before, secret: secret("rt-new") }, [{ kind: "unavailable", reason: "timeout" }]),
    );
    expect(result.retry).toBe("timeout");
    expect(result.status.disabled).toBe(true);
  });

  test("a token of another identity than spec.email disables the account", async () => {
    const result = await reconcileAccount(
      input({ account: account(undefined, { email: "bob@example.com" }) }, [
        { kind: "valid", email: "alice@example.com" },
      ]),
    );
    expect(result.status.disabled).toBe(true);
    expect(result.status.conditions?.[0]?.reason).toBe("IdentityMismatch");
  });

  test("spec.proxyDisabled makes it Ready=False/ProxyDisabled, keeping the credentials", async () => {
    const result = await reconcileAccount(
      input({ account: account({ email: "alice@example.com" }, { proxyDisabled: true }) }),
    );
    expect(result.status.disabled).toBeUndefined();
    expect(result.status.conditions?.[0]).toMatchObject({ status: "False", reason: "ProxyDisabled" });
  });

  test("keeps lastTransitionTime while the condition's status stays the same", async () => {
    const first = await reconcileAccount(input({}));
    const later = await reconcileAccount(
      input({ account: account(first.status), now: new Date("2026-01-02T00:00:00Z") }),
    );
    expect(later.status.conditions?.[0]?.lastTransitionTime).toBe(
      first.status.conditions?.[0]?.lastTransitionTime ?? "",
    );
  });
});
