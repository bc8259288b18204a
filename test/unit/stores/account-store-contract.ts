/**
 * The contract every AccountStore passes (memory, file, Kubernetes), in the spirit of
 * external-secrets' provider contract tests. Nothing here knows how a store keeps its accounts.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Account } from "../../../src/accounts/account.ts";
import { clearDisabled, markDisabled } from "../../../src/accounts/account-transitions.ts";
import type { AccountStore } from "../../../src/stores/account-store.ts";
import { recordEvents, sampleAccount } from "../../support/store-fixtures.ts";
import { waitFor } from "../../support/wait-for.ts";

export interface StoreFixture {
  /**
   * Opens an independent handle on one shared set of accounts, as another process, replica or
   * client would. Changes made through one handle are external to the others.
   */
  open(): Promise<AccountStore>;
  /** Closes every handle it opened and removes whatever the fixture created. */
  cleanup(): Promise<void>;
}

// Generous for loaded CI machines; stores promise to report changes within a second.
const EVENT_DEADLINE_MS = 3000;

const byId = (accounts: readonly Account[]): Account[] =>
  [...accounts].sort((a, b) => a.id.localeCompare(b.id));

async function seed(store: AccountStore, account: Account): Promise<Account> {
  return (await store.upsertByEmail(account.email, () => account)).account;
}

export function describeAccountStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`${name}: AccountStore contract`, () => {
    let fixture: StoreFixture;
    let store: AccountStore;
    let peer: AccountStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = await fixture.open();
      peer = await fixture.open();
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    test("starts empty and knows no id", async () => {
      expect(await store.list()).toEqual([]);
      expect(await store.get("00000000-0000-4000-8000-000000000000")).toBeUndefined();
    });

    test("creates an account on upsert when no account has the email, with the id build returns", async () => {
      const account = sampleAccount();
      const seen: (Account | undefined)[] = [];
      const result = await store.upsertByEmail(account.email, (existing) => {
        seen.push(existing);
        return account;
      });
      expect(seen).toEqual([undefined]);
      expect(result.status).toBe("created");
      expect(result.account).toEqual(account);
      expect(result.previous).toBeUndefined();
      expect(await store.get(account.id)).toEqual(account);
      expect(await store.list()).toEqual([account]);
    });

    test("upsert matches the email ignoring case and keeps the stored id", async () => {
      const stored = await seed(store, sampleAccount({ email: "Mixed.Case@Example.com" }));
      const replacement = sampleAccount({
        email: "mixed.case@EXAMPLE.COM",
        token: { refreshToken: "rt-new" },
      });
      const result = await store.upsertByEmail("MIXED.case@example.com", (existing) => {
        expect(existing).toEqual(stored);
        return replacement;
      });
      expect(result.status).toBe("updated");
      expect(result.previous).toEqual(stored);
      expect(result.account).toEqual({ ...replacement, id: stored.id });
      expect(await store.list()).toEqual([{ ...replacement, id: stored.id }]);
    });

    test("two concurrent upserts for one new email create one account", async () => {
      const first = sampleAccount({ email: "race@example.com" });
      const second = sampleAccount({ email: "RACE@example.com" });
      const results = await Promise.all([
        store.upsertByEmail(first.email, (existing) => existing ?? first),
        peer.upsertByEmail(second.email, (existing) => existing ?? second),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(["created", "updated"]);
      expect(await store.list()).toHaveLength(1);
    });

    test("update applies the change to the account as stored now and returns the result", async () => {
      const stored = await seed(store, sampleAccount());
      // Another writer changes it first: the change must see that, not a stale copy.
      await peer.update(stored.id, (current) => ({
        ...current,
        token: { ...current.token, refreshToken: "rt-2" },
      }));
      let seen: Account | undefined;
      const result = await store.update(stored.id, (current) => {
        seen = current;
        return markDisabled(current, "invalid_grant: revoked", 1_770_000_000);
      });
      expect(seen?.token.refreshToken).toBe("rt-2");
      const updated: Account = {
        ...stored,
        token: { ...stored.token, refreshToken: "rt-2" },
        disabled: true,
        disabledAt: 1_770_000_000,
        disabledReason: "invalid_grant: revoked",
      };
      expect(result).toEqual({ status: "updated", account: updated });
      expect(await store.get(stored.id)).toEqual(updated);
      expect(await peer.get(stored.id)).toEqual(updated);
    });

    test("update leaves the stored account untouched when the change returns undefined", async () => {
      const stored = await seed(store, sampleAccount());
      const events = recordEvents(store);
      const result = await store.update(stored.id, () => undefined);
      expect(result).toEqual({ status: "unchanged", account: stored });
      expect(await store.get(stored.id)).toEqual(stored);
      // A write we can see proves the watch is live; nothing may have come before it.
      await store.update(stored.id, (current) => ({ ...current, lastUsed: 1_780_000_000 }));
      await waitFor(() => events.events.length > 0, { timeoutMs: EVENT_DEADLINE_MS, message: "the update" });
      expect(events.events.map((e) => e.type)).toEqual(["upsert"]);
      events.stop();
    });

    test("update keeps the stored id when the change returns another", async () => {
      const stored = await seed(store, sampleAccount());
      const result = await store.update(stored.id, (current) => ({
        ...current,
        id: "another-id",
        name: "Renamed",
      }));
      expect(result).toEqual({ status: "updated", account: { ...stored, name: "Renamed" } });
      expect(await store.get("another-id")).toBeUndefined();
    });

    test("update reports missing for an unknown id and never calls the change", async () => {
      let called = false;
      const result = await store.update("00000000-0000-4000-8000-00000000dead", (current) => {
        called = true;
        return current;
      });
      expect(result).toEqual({ status: "missing" });
      expect(called).toBe(false);
    });

    test("optional fields a change removes are gone when read back", async () => {
      const stored = await seed(
        store,
        markDisabled(sampleAccount(), "invalid_grant: revoked", 1_770_000_000),
      );
      await store.update(stored.id, clearDisabled);
      const read = await store.get(stored.id);
      expect(read?.disabled).toBe(false);
      expect(read !== undefined && "disabledAt" in read).toBe(false);
      expect(read !== undefined && "disabledReason" in read).toBe(false);
    });

    test("concurrent updates through two handles lose none", async () => {
      const stored = await seed(store, sampleAccount({ lastUsed: 0 }));
      const bump = (handle: AccountStore) =>
        handle.update(stored.id, (current) => ({ ...current, lastUsed: (current.lastUsed ?? 0) + 1 }));
      await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 === 0 ? store : peer)));
      expect((await store.get(stored.id))?.lastUsed).toBe(20);
    });

    test("remove deletes the account and reports whether there was one", async () => {
      const kept = await seed(store, sampleAccount());
      const gone = await seed(store, sampleAccount());
      expect(await store.remove(gone.id)).toBe(true);
      expect(await store.remove(gone.id)).toBe(false);
      expect(await store.get(gone.id)).toBeUndefined();
      expect(byId(await store.list())).toEqual([kept]);
    });

    test("watch reports this handle's upserts and removes", async () => {
      const events = recordEvents(store);
      const account = await seed(store, sampleAccount());
      await store.remove(account.id);
      await waitFor(() => events.events.length >= 2, { timeoutMs: EVENT_DEADLINE_MS, message: "two events" });
      expect(events.events).toEqual([
        { type: "upsert", account },
        { type: "remove", id: account.id },
      ]);
      events.stop();
    });

    test("watch reports changes made through another handle", async () => {
      const account = await seed(store, sampleAccount());
      const events = recordEvents(store);
      const created = await seed(peer, sampleAccount());
      await waitFor(() => events.about(created.id).length > 0, {
        timeoutMs: EVENT_DEADLINE_MS,
        message: "create",
      });
      const updated = await peer.update(account.id, (current) => ({ ...current, lastUsed: 1_780_000_000 }));
      await waitFor(() => events.about(account.id).length > 0, {
        timeoutMs: EVENT_DEADLINE_MS,
        message: "update",
      });
      await peer.remove(created.id);
      await waitFor(() => events.about(created.id).length > 1, {
        timeoutMs: EVENT_DEADLINE_MS,
        message: "remove",
      });
      expect(events.about(created.id)).toEqual([
        { type: "upsert", account: created },
        { type: "remove", id: created.id },
      ]);
      expect(events.about(account.id)).toEqual([
        { type: "upsert", account: (updated as { account: Account }).account },
      ]);
      events.stop();
    });

    test("an unsubscribed listener hears nothing more while others still do", async () => {
      const leaving = recordEvents(store);
      const staying = recordEvents(store);
      leaving.stop();
      const account = await seed(peer, sampleAccount());
      await waitFor(() => staying.about(account.id).length > 0, {
        timeoutMs: EVENT_DEADLINE_MS,
        message: "upsert",
      });
      expect(leaving.events).toEqual([]);
      staying.stop();
    });

    test("a closed store reports nothing more", async () => {
      const closing = recordEvents(store);
      // A third handle learns of the peer's changes the way the closed one would have.
      const barrier = recordEvents(await fixture.open());
      await store.close();
      const account = await seed(peer, sampleAccount());
      await waitFor(() => barrier.about(account.id).length > 0, {
        timeoutMs: EVENT_DEADLINE_MS,
        message: "upsert",
      });
      await peer.remove(account.id);
      await waitFor(() => barrier.about(account.id).length > 1, {
        timeoutMs: EVENT_DEADLINE_MS,
        message: "remove",
      });
      expect(closing.events).toEqual([]);
      barrier.stop();
    });
  });
}
