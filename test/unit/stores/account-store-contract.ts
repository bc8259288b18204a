/**
 * The contract every AccountStore passes (memory, file, Kubernetes), in the spirit of
 * external-secrets' provider contract tests. Nothing here knows how a store keeps its accounts:
 * a store says what it keeps of an account (`keeps`), whether it names new accounts itself, and
 * whether other handles read a write at once or once their watch delivered it; every test runs
 * against every store.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Account } from "../../../src/accounts/account.ts";
import { clearDisabled, markDisabled, markProxyDisabled } from "../../../src/accounts/account-transitions.ts";
import type { AccountStore, StoreEvent } from "../../../src/stores/account-store.ts";
import { type EventRecorder, recordEvents, sampleAccount } from "../../support/store-fixtures.ts";
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

export interface StoreContractOptions {
  /**
   * Projects an account onto what the store keeps of it; accounts are compared through it. The
   * identity by default: the store keeps every field, the id included.
   */
  readonly keeps?: (account: Account) => unknown;
  /** The store names a new account itself instead of taking the id `build` returns. */
  readonly assignsIds?: boolean;
  /**
   * Another handle reads a write once its watch delivered it (an informer cache), within the
   * event deadline, rather than at once. The writing handle always reads its own writes at once.
   */
  readonly peersReadEventually?: boolean;
}

// Generous for loaded CI machines; stores promise to report changes within a second.
const EVENT_DEADLINE_MS = 3000;

const byId = (accounts: readonly Account[]): Account[] =>
  [...accounts].sort((a, b) => a.id.localeCompare(b.id));

async function seed(store: AccountStore, account: Account): Promise<Account> {
  return (await store.upsertByEmail(account.email, () => account)).account;
}

/** A counter in a field every store keeps: the proxy-disabled reason. */
function bumped(account: Account, nowSeconds: number): Account {
  return markProxyDisabled(account, String(Number(account.proxyDisabledReason ?? "0") + 1), nowSeconds);
}

export function describeAccountStoreContract(
  name: string,
  makeStore: () => Promise<StoreFixture>,
  options: StoreContractOptions = {},
): void {
  const keeps = options.keeps ?? ((account: Account) => account);
  const kept = (account: Account | undefined): unknown =>
    account === undefined ? undefined : keeps(account);
  const keptAll = (accounts: readonly Account[]): unknown[] => accounts.map(keeps);
  const keptEvents = (events: readonly StoreEvent[]): unknown[] =>
    events.map((event) => (event.type === "upsert" ? { ...event, account: keeps(event.account) } : event));
  /** What a handle other than the writer reads: at once, or once its watch caught up. */
  const peerReads = async (handle: AccountStore, id: string, expected: Account): Promise<void> => {
    if (options.peersReadEventually === true) {
      await waitFor(async () => Bun.deepEquals(kept(await handle.get(id)), kept(expected), true), {
        timeoutMs: EVENT_DEADLINE_MS,
        message: `another handle to read the write to ${id}`,
      });
    }
    expect(kept(await handle.get(id))).toEqual(kept(expected));
  };

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

    /**
     * Waits until `events`, recorded on one handle, report an account the peer creates now: what
     * that handle's watch held back about earlier writes has come by then. Returns the marker's id.
     */
    const drain = async (events: EventRecorder): Promise<string> => {
      const marker = await seed(peer, sampleAccount());
      await waitFor(() => events.about(marker.id).length > 0, {
        timeoutMs: EVENT_DEADLINE_MS,
        message: "the marker account",
      });
      return marker.id;
    };

    test("starts empty and knows no id", async () => {
      expect(await store.list()).toEqual([]);
      expect(await store.get("00000000-0000-4000-8000-000000000000")).toBeUndefined();
    });

    test(`creates an account on upsert when no account has the email, ${
      options.assignsIds === true ? "naming it itself" : "with the id build returns"
    }`, async () => {
      const account = sampleAccount();
      const seen: (Account | undefined)[] = [];
      const result = await store.upsertByEmail(account.email, (existing) => {
        seen.push(existing);
        return account;
      });
      expect(seen).toEqual([undefined]);
      expect(result.status).toBe("created");
      if (options.assignsIds !== true) expect(result.account.id).toBe(account.id);
      const created: Account = { ...account, id: result.account.id };
      expect(kept(result.account)).toEqual(kept(created));
      expect(result.previous).toBeUndefined();
      expect(kept(await store.get(created.id))).toEqual(kept(created));
      expect(keptAll(await store.list())).toEqual([kept(created)]);
    });

    test("stores every kept field of a new account, the disabled and proxy-disabled states included", async () => {
      const account = markProxyDisabled(
        markDisabled(sampleAccount(), "invalid_grant: revoked", 1_770_000_000),
        "forbidden: 403",
        1_770_000_100,
      );
      const result = await store.upsertByEmail(account.email, () => account);
      const created: Account = { ...account, id: result.account.id };
      expect(kept(result.account)).toEqual(kept(created));
      expect(kept(await store.get(created.id))).toEqual(kept(created));
      await peerReads(peer, created.id, created);
    });

    test("upsert matches the email ignoring case and keeps the stored id", async () => {
      const stored = await seed(store, sampleAccount({ email: "Mixed.Case@Example.com" }));
      const replacement = sampleAccount({
        email: "mixed.case@EXAMPLE.COM",
        token: { refreshToken: "rt-new" },
      });
      const result = await store.upsertByEmail("MIXED.case@example.com", (existing) => {
        expect(kept(existing)).toEqual(kept(stored));
        return replacement;
      });
      expect(result.status).toBe("updated");
      expect(kept(result.previous)).toEqual(kept(stored));
      expect(result.account.id).toBe(stored.id);
      expect(kept(result.account)).toEqual(kept({ ...replacement, id: stored.id }));
      expect(keptAll(await store.list())).toEqual([kept({ ...replacement, id: stored.id })]);
    });

    test("two concurrent upserts for one new email create one account", async () => {
      const first = sampleAccount({ email: "race@example.com" });
      const second = sampleAccount({ email: "RACE@example.com" });
      const results = await Promise.all([
        store.upsertByEmail(first.email, (existing) => existing ?? first),
        peer.upsertByEmail(second.email, (existing) => existing ?? second),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(["created", "updated"]);
      expect(results[0]?.account.id).toBe(results[1]?.account.id as string);
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
      expect(result.status).toBe("updated");
      expect(result.status === "updated" && result.account.id).toBe(stored.id);
      expect(result.status === "updated" && kept(result.account)).toEqual(kept(updated));
      expect(kept(await store.get(stored.id))).toEqual(kept(updated));
      await peerReads(peer, stored.id, updated);
    });

    test("update leaves the stored account untouched when the change returns undefined", async () => {
      const stored = await seed(store, sampleAccount());
      const events = recordEvents(store);
      const result = await store.update(stored.id, () => undefined);
      expect(result.status).toBe("unchanged");
      expect(result.status === "unchanged" && kept(result.account)).toEqual(kept(stored));
      expect(kept(await store.get(stored.id))).toEqual(kept(stored));
      // A write we can see proves the watch is live; nothing may have come before it.
      await store.update(stored.id, (current) => bumped(current, 1_780_000_000));
      await waitFor(() => events.events.length > 0, { timeoutMs: EVENT_DEADLINE_MS, message: "the update" });
      expect(events.events.map((e) => e.type)).toEqual(["upsert"]);
      events.stop();
    });

    test("update keeps the stored id when the change returns another", async () => {
      const stored = await seed(store, sampleAccount());
      const result = await store.update(stored.id, (current) => ({
        ...bumped(current, 1_780_000_000),
        id: "another-id",
        name: "Renamed",
      }));
      expect(result.status).toBe("updated");
      expect(result.status === "updated" && result.account.id).toBe(stored.id);
      const expected = { ...bumped(stored, 1_780_000_000), name: "Renamed" };
      expect(result.status === "updated" && kept(result.account)).toEqual(kept(expected));
      expect(kept(await store.get(stored.id))).toEqual(kept(expected));
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
      expect((await store.get(stored.id))?.disabledReason).toBe("invalid_grant: revoked");
      await store.update(stored.id, clearDisabled);
      const read = await store.get(stored.id);
      expect(read?.disabled).toBe(false);
      expect(read !== undefined && "disabledAt" in read).toBe(false);
      expect(read !== undefined && "disabledReason" in read).toBe(false);
    });

    test("concurrent updates through two handles lose none", async () => {
      const stored = await seed(store, sampleAccount());
      const bump = (handle: AccountStore) =>
        handle.update(stored.id, (current) => bumped(current, 1_780_000_000));
      await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 === 0 ? store : peer)));
      // The last write may be the peer's: the store reads it at once or once its watch brings it.
      await peerReads(store, stored.id, bumped({ ...stored, proxyDisabledReason: "19" }, 1_780_000_000));
      expect((await store.get(stored.id))?.proxyDisabledReason).toBe("20");
    });

    test("remove deletes the account at once and for good, and reports whether there was one", async () => {
      const stays = await seed(store, sampleAccount());
      const gone = await seed(store, sampleAccount());
      const events = recordEvents(store);
      expect(await store.remove(gone.id)).toBe(true);
      expect(await store.remove(gone.id)).toBe(false);
      expect(await store.get(gone.id)).toBeUndefined();
      expect(keptAll(byId(await store.list()))).toEqual(keptAll([stays]));
      // News of the writes before the remove, arriving late, must not bring the account back.
      const marker = await drain(events);
      expect(await store.get(gone.id)).toBeUndefined();
      const others = (await store.list()).filter((account) => account.id !== marker);
      expect(keptAll(byId(others))).toEqual(keptAll([stays]));
      events.stop();
    });

    test("watch reports this handle's upserts and removes, each once", async () => {
      const events = recordEvents(store);
      const account = await seed(store, sampleAccount());
      await store.remove(account.id);
      await drain(events);
      expect(keptEvents(events.about(account.id))).toEqual(
        keptEvents([
          { type: "upsert", account },
          { type: "remove", id: account.id },
        ]),
      );
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
      const updated = await peer.update(account.id, (current) => bumped(current, 1_780_000_000));
      await waitFor(() => events.about(account.id).length > 0, {
        timeoutMs: EVENT_DEADLINE_MS,
        message: "update",
      });
      await peer.remove(created.id);
      await waitFor(() => events.about(created.id).length > 1, {
        timeoutMs: EVENT_DEADLINE_MS,
        message: "remove",
      });
      expect(keptEvents(events.about(created.id))).toEqual(
        keptEvents([
          { type: "upsert", account: created },
          { type: "remove", id: created.id },
        ]),
      );
      expect(keptEvents(events.about(account.id))).toEqual(
        keptEvents([{ type: "upsert", account: (updated as { account: Account }).account }]),
      );
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

    test("a closed store reports nothing more, not even to a listener added after closing", async () => {
      const closing = recordEvents(store);
      // A third handle learns of the peer's changes the way the closed one would have.
      const barrier = recordEvents(await fixture.open());
      await store.close();
      const late = recordEvents(store);
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
      expect(late.events).toEqual([]);
      barrier.stop();
    });
  });
}
