/**
 * The account operations the CLI and the admin API share: what each does to the store, the error
 * codes they fail with, and the words that describe them (each surface naming its next steps).
 */
import { describe, expect, test } from "bun:test";
import {
  describeEnrolled,
  describeRemoved,
  describeStateChange,
  type NextSteps,
  sentence,
} from "../../../src/account-operations/account-messages.ts";
import { changeAccountState, removeAccount } from "../../../src/account-operations/change-account-state.ts";
import { enrollRefreshToken } from "../../../src/account-operations/enroll-account.ts";
import { findAccount } from "../../../src/account-operations/find-account.ts";
import type { GoogleOAuthClient } from "../../../src/oauth/google-oauth-client.ts";
import { err, ok } from "../../../src/result.ts";
import type { AccountStore } from "../../../src/stores/account-store.ts";
import { MemoryAccountStore } from "../../../src/stores/memory-account-store.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { sampleAccount } from "../../support/store-fixtures.ts";

const STEPS: NextSteps = { enable: (account) => `enable ${account.id}`, recover: "send a new token" };

/** Google as the operations see it: "good-…" tokens belong to alice, every other one is revoked. */
const oauth: GoogleOAuthClient = {
  refresh: async (token) =>
    token.startsWith("good-")
      ? ok({ accessToken: `at-${token}`, expiresIn: 3600, expiryTimestamp: 1, tokenType: "Bearer" })
      : err({ kind: "invalid_grant", code: "invalid_grant", description: "Token has been revoked." }),
  userinfo: async () => ok({ email: "Alice@Example.com", name: "Alice" }),
  exchangeCode: async () => err({ kind: "config", code: "unused", description: "unused" }),
  authorizationUrl: () => "",
};

function setup(store: AccountStore = new MemoryAccountStore()) {
  let ids = 0;
  const clock = new FakeClock();
  return { store, clock, deps: { oauth, store, clock, newId: () => `id-${++ids}` } };
}

describe("account operations", () => {
  test("enrolling adds, then updates, then recovers a disabled account, by email in any case", async () => {
    const { deps, store } = setup();
    const added = await enrollRefreshToken(deps, "good-1");
    expect(added).toMatchObject({ ok: true, value: { outcome: "created", account: { id: "id-1" } } });
    expect(await enrollRefreshToken(deps, "good-2")).toMatchObject({
      ok: true,
      value: { outcome: "updated" },
    });
    await store.update("id-1", (a) => ({ ...a, disabled: true, disabledReason: "invalid_grant: x" }));
    const recovered = await enrollRefreshToken(deps, "good-3");
    expect(recovered).toMatchObject({
      ok: true,
      value: { outcome: "recovered", account: { disabled: false } },
    });
    expect(await store.list()).toHaveLength(1);
  });

  test("a rejected token is TOKEN_REJECTED with Google's reason, and nothing is written", async () => {
    const { deps, store } = setup();
    const refused = await enrollRefreshToken(deps, "revoked");
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error).toMatchObject({ code: "TOKEN_REJECTED", failure: { kind: "invalid_grant" } });
    expect(refused.error.message).toBe(
      "Google rejected the refresh token (invalid_grant: Token has been revoked.)",
    );
    expect(await store.list()).toEqual([]);
  });

  test("a store that throws is STORE_FAILED, with its reason and the cause kept", async () => {
    const broken = new MemoryAccountStore();
    const cause = new Error("disk on fire");
    const store: AccountStore = {
      kind: broken.kind,
      list: () => broken.list(),
      get: (id) => broken.get(id),
      update: () => Promise.reject(cause),
      upsertByEmail: () => Promise.reject(cause),
      remove: () => Promise.reject(cause),
      watch: () => () => {},
      close: () => broken.close(),
    };
    const result = await enrollRefreshToken(setup(store).deps, "good-1");
    expect(result).toMatchObject({
      ok: false,
      error: { code: "STORE_FAILED", message: "cannot store the account: disk on fire", cause },
    });
  });

  test("finding takes an id or an email in any case, and names what it did not find", async () => {
    const account = sampleAccount({ email: "bob@example.com" });
    const { store } = setup(new MemoryAccountStore({ accounts: [account] }));
    expect(await findAccount(store, account.id)).toEqual(ok(account));
    expect(await findAccount(store, "BOB@example.COM")).toEqual(ok(account));
    const missing = await findAccount(store, "nobody@example.com");
    expect(missing.ok ? undefined : [missing.error.code, missing.error.message]).toEqual([
      "ACCOUNT_NOT_FOUND",
      'no account with id or email "nobody@example.com"',
    ]);
  });

  test("disable keeps the first reason, enable clears it, and neither touches dead credentials", async () => {
    const account = sampleAccount({ disabled: true, disabledReason: "invalid_grant: gone" });
    const { store, clock } = setup(new MemoryAccountStore({ accounts: [account] }));
    const first = await changeAccountState({ store, clock }, account.id, "disable", "maintenance");
    const again = await changeAccountState({ store, clock }, account.id, "disable");
    expect(first).toMatchObject({
      ok: true,
      value: { changed: true, account: { proxyDisabledReason: "maintenance" } },
    });
    expect(again).toMatchObject({
      ok: true,
      value: { changed: false, account: { proxyDisabledReason: "maintenance" } },
    });
    const enabled = await changeAccountState({ store, clock }, account.email, "enable");
    expect(enabled).toMatchObject({
      ok: true,
      value: { changed: true, account: { proxyDisabled: false, disabled: true } },
    });
    if (!enabled.ok || !again.ok) return;
    expect(sentence(describeStateChange(again.value, STEPS))).toBe(
      `Proxy-disabled ${account.email} (id ${account.id}) (no change); its credentials are still dead (invalid_grant: gone): send a new token`,
    );
  });

  test("remove deletes the account it finds and says so; a second remove finds nothing", async () => {
    const account = sampleAccount();
    const { store } = setup(new MemoryAccountStore({ accounts: [account] }));
    const removed = await removeAccount(store, account.email);
    expect(removed.ok && describeRemoved(removed.value)).toBe(`removed ${account.email} (id ${account.id})`);
    expect(await store.list()).toEqual([]);
    expect(await removeAccount(store, account.id)).toMatchObject({
      ok: false,
      error: { code: "ACCOUNT_NOT_FOUND" },
    });
  });

  test("an enrolled account still out of the proxy is described with the surface's way back", async () => {
    const account = sampleAccount({ proxyDisabled: true, proxyDisabledReason: "manual" });
    expect(describeEnrolled({ outcome: "updated", account }, STEPS)).toBe(
      `updated ${account.email} (id ${account.id}); still proxy-disabled (manual): enable ${account.id}`,
    );
  });
});
