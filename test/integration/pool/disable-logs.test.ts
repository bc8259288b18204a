/**
 * What the logs say about loading and disabling (SPEC §5.1, §5.5): the process that disables an
 * account logs exactly its two lines, never "Skipping" for the echo of its own store write (early or
 * late); a process that learns of the disable from the store logs "Skipping disabled account".
 */
import { describe, expect, test } from "bun:test";
import { AccountPool } from "../../../src/pool/account-pool.ts";
import { acquireWithFailover } from "../../../src/pool/acquire-with-failover.ts";
import { createFixedStrategy } from "../../../src/pool/strategies/fixed.ts";
import { createRoundRobinStrategy } from "../../../src/pool/strategies/round-robin.ts";
import type { AccountStore, StoreEvent, StoreListener } from "../../../src/stores/account-store.ts";
import {
  createMemoryAccountBacking,
  type MemoryAccountBacking,
  MemoryAccountStore,
} from "../../../src/stores/memory-account-store.ts";
import { captureLog } from "../../support/captured-log.ts";
import { type PoolFixture, startPoolFixture } from "../../support/pool-fixture.ts";
import { storeWith } from "../../support/store-fixtures.ts";

const A = "alice@example.com";
const B = "bob@example.com";
const REASON = "invalid_grant: Token has been expired or revoked.";
const TWO_LINES = [
  `Token refresh failed (${A}): ${REASON}, trying next account`,
  `Disabling account due to invalid_grant (${A}): refresh_token likely revoked/expired`,
];

/** A store whose events are held until flush(), as a file watcher reports a write later. */
function lateEvents(store: AccountStore): { store: AccountStore; flush(): void } {
  const listeners = new Set<StoreListener>();
  const held: StoreEvent[] = [];
  store.watch((event) => held.push(event));
  return {
    store: storeWith(store, {
      watch: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    }),
    flush: () => {
      for (const event of held.splice(0)) for (const listener of listeners) listener(event);
    },
  };
}

/** A second pool (another replica) on its own handle of the same stored accounts. */
async function otherProcess(f: PoolFixture, backing: MemoryAccountBacking) {
  const log = captureLog(f.clock);
  const pool = new AccountPool({
    store: new MemoryAccountStore({ backing }),
    oauth: f.oauth,
    clock: f.clock,
    log: log.logger,
    strategy: createRoundRobinStrategy(),
    refreshSkewSeconds: 300,
  });
  await pool.start();
  return { pool, log };
}

const aboutAlice = (messages: string[]) => messages.filter((m) => m.includes(A));

describe("log lines about disabled accounts", () => {
  test("the process that disables logs exactly its two lines; another process logs Skipping", async () => {
    const backing = createMemoryAccountBacking();
    await using f = await startPoolFixture({
      emails: [A, B],
      strategy: createFixedStrategy(() => "id-alice"),
      store: (accounts) => new MemoryAccountStore({ accounts, backing }),
    });
    const other = await otherProcess(f, backing);
    f.google.revoke(f.account(A).token.refreshToken);
    await Promise.all([1, 2, 3].map(() => acquireWithFailover(f.pool, { maxAttempts: 3, tried: new Set() })));
    expect(aboutAlice(f.log.messages())).toEqual(TWO_LINES);
    expect(aboutAlice(other.log.messages())).toEqual([`Skipping disabled account (${A}): ${REASON}`]);
    other.pool.stop();
  });

  test("the echo of the process's own write is silent when it arrives late too", async () => {
    let late: ReturnType<typeof lateEvents> | undefined;
    await using f = await startPoolFixture({
      emails: [A, B],
      strategy: createFixedStrategy(() => "id-alice"),
      store: (accounts) => {
        late = lateEvents(new MemoryAccountStore({ accounts }));
        return late.store;
      },
    });
    f.google.revoke(f.account(A).token.refreshToken);
    await acquireWithFailover(f.pool, { maxAttempts: 3, tried: new Set() });
    late?.flush();
    expect(aboutAlice(f.log.messages())).toEqual(TWO_LINES);
    expect(f.pool.summary()).toMatchObject({ active: 1, disabled: 1 });
  });

  test("a process that starts after the disable logs Skipping at load", async () => {
    const backing = createMemoryAccountBacking();
    await using f = await startPoolFixture({
      emails: [A, B],
      store: (accounts) => new MemoryAccountStore({ accounts, backing }),
    });
    f.google.revoke(f.account(A).token.refreshToken);
    await acquireWithFailover(f.pool, { maxAttempts: 3, tried: new Set() });
    const other = await otherProcess(f, backing);
    expect(other.log.messages("info")).toEqual([
      `Skipping disabled account (${A}): ${REASON}`,
      "Loaded 2 accounts (1 active)",
    ]);
    other.pool.stop();
  });

  test("the load line counts accounts in the singular and the plural", async () => {
    await using one = await startPoolFixture({ emails: [A] });
    expect(one.log.messages("info")).toEqual(["Loaded 1 account (1 active)"]);
    await using two = await startPoolFixture({ emails: [A, B] });
    expect(two.log.messages("info")).toEqual(["Loaded 2 accounts (2 active)"]);
  });
});
