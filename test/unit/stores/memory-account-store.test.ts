import { describe, expect, test } from "bun:test";
import type { AccountStore } from "../../../src/stores/account-store.ts";
import { createMemoryAccountBacking, MemoryAccountStore } from "../../../src/stores/memory-account-store.ts";
import { sampleAccount } from "../../support/store-fixtures.ts";
import { describeAccountStoreContract } from "./account-store-contract.ts";

describeAccountStoreContract("memory store", async () => {
  const backing = createMemoryAccountBacking();
  const handles: AccountStore[] = [];
  return {
    open: async () => {
      const handle = new MemoryAccountStore({ backing });
      handles.push(handle);
      return handle;
    },
    cleanup: async () => {
      await Promise.all(handles.map((handle) => handle.close()));
    },
  };
});

describe("memory store", () => {
  test("starts with the accounts it is given", async () => {
    const account = sampleAccount();
    const store = new MemoryAccountStore({ accounts: [account] });
    expect(await store.list()).toEqual([account]);
    await store.close();
  });

  test("keeps its own copies, so mutating a returned account changes nothing stored", async () => {
    const account = sampleAccount();
    const store = new MemoryAccountStore({ accounts: [account] });
    const read = (await store.get(account.id)) as { name?: string };
    read.name = "mutated";
    expect((await store.get(account.id))?.name).toBe(account.name);
    await store.close();
  });

  test("refuses to create an account under an id another email already has", async () => {
    const account = sampleAccount();
    const store = new MemoryAccountStore({ accounts: [account] });
    const other = sampleAccount({ id: account.id });
    await expect(store.upsertByEmail(other.email, () => other)).rejects.toMatchObject({
      code: "ACCOUNT_ID_CONFLICT",
    });
    await store.close();
  });
});
