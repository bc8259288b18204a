import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { Account } from "../../../src/accounts/account.ts";
import { silentLogger } from "../../../src/log/logger.ts";
import type { GoogleOAuthClient } from "../../../src/oauth/google-oauth-client.ts";
import { AccountPool } from "../../../src/pool/account-pool.ts";
import { listedCandidates } from "../../../src/pool/strategies/candidate-set.ts";
import { createFixedStrategy } from "../../../src/pool/strategies/fixed.ts";
import { createRoundRobinStrategy } from "../../../src/pool/strategies/round-robin.ts";
import type { SelectionStrategy } from "../../../src/pool/strategies/selection-strategy.ts";
import { createStickyStrategy } from "../../../src/pool/strategies/sticky.ts";
import { MemoryAccountStore } from "../../../src/stores/memory-account-store.ts";
import { FakeClock } from "../../support/fake-clock.ts";

/** Tokens outlive every test here: the pool must never call Google. */
const UNUSED_OAUTH: GoogleOAuthClient = {
  refresh: () => Promise.reject(new Error("no refresh expected")),
  userinfo: () => Promise.reject(new Error("no userinfo expected")),
  exchangeCode: () => Promise.reject(new Error("no exchange expected")),
  authorizationUrl: () => "",
};

const IDS = ["id-a", "id-b", "id-c", "id-d", "id-e", "id-f", "id-g"];
const MODELS = ["pro", "flash"] as const;

function account(id: string, clock: FakeClock): Account {
  return {
    id,
    email: `${id}@example.com`,
    token: {
      accessToken: `access-${id}`,
      refreshToken: `refresh-${id}`,
      expiryTimestamp: clock.now() / 1000 + 1e7,
    },
    disabled: false,
    proxyDisabled: false,
    createdAt: 0,
  };
}

type StrategyName = "round-robin" | "sticky" | "fixed";

function strategyFor(name: StrategyName, clock: FakeClock): SelectionStrategy {
  if (name === "sticky") return createStickyStrategy({ clock, idleMs: 60_000 });
  if (name === "fixed") return createFixedStrategy(() => "id-c");
  return createRoundRobinStrategy();
}

/** Sends every release to the reference strategy too, so both hold the same bindings. */
function tee(real: SelectionStrategy, reference: SelectionStrategy): SelectionStrategy {
  return {
    name: real.name,
    choose: (candidates, request) => real.choose(candidates, request),
    release(accountId) {
      real.release(accountId);
      reference.release(accountId);
    },
  };
}

async function startPool(clock: FakeClock, strategy: SelectionStrategy): Promise<AccountPool> {
  const pool = new AccountPool({
    store: new MemoryAccountStore({ accounts: IDS.map((id) => account(id, clock)) }),
    oauth: UNUSED_OAUTH,
    clock,
    log: silentLogger,
    strategy,
    refreshSkewSeconds: 300,
  });
  await pool.start();
  return pool;
}

const pick = fc.nat({ max: IDS.length - 1 });
const model = fc.option(fc.constantFrom(...MODELS), { nil: undefined });
const change = fc.oneof(
  fc.record({ kind: fc.constant("disabled" as const), at: pick, on: fc.boolean() }),
  fc.record({ kind: fc.constant("proxyDisabled" as const), at: pick, on: fc.boolean() }),
  fc.record({ kind: fc.constant("rateLimited" as const), at: pick, ms: fc.nat({ max: 90_000 }), model }),
  fc.record({ kind: fc.constant("transient" as const), at: pick }),
  fc.record({ kind: fc.constant("remove" as const), at: pick }),
  fc.record({ kind: fc.constant("readd" as const), at: pick }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.nat({ max: 70_000 }) }),
);
type Change = typeof change extends fc.Arbitrary<infer T> ? T : never;
const request = fc.record({
  model,
  sessionKey: fc.option(fc.constantFrom("s1", "s2", "s3", "s4"), { nil: undefined }),
  tried: fc.uniqueArray(pick, { maxLength: 2 }),
});

/** Applies one change to every pool, the way the store and upstream replies would. */
async function applyChange(pools: readonly AccountPool[], clock: FakeClock, op: Change): Promise<void> {
  if (op.kind === "advance") {
    clock.advance(op.ms);
    return;
  }
  const id = IDS[op.at] ?? "";
  for (const pool of pools) {
    const current = pool.view().find((member) => member.account.id === id)?.account;
    if (op.kind === "remove") pool.apply({ type: "remove", id });
    else if (op.kind === "readd" && current === undefined)
      pool.apply({ type: "upsert", account: account(id, clock) });
    else if (current === undefined) continue;
    else if (op.kind === "disabled" || op.kind === "proxyDisabled")
      pool.apply({ type: "upsert", account: { ...current, [op.kind]: op.on } });
    else if (op.kind === "rateLimited")
      await pool.report(id, {
        kind: "rate_limited",
        retryAfterMs: op.ms,
        message: "quota",
        ...(op.model === undefined ? {} : { model: op.model }),
      });
    else if (op.kind === "transient") await pool.report(id, { kind: "transient", message: "503" });
  }
}

/** The old way: every account whose state is active for the model, not yet tried. */
function referenceCandidates(pool: AccountPool, now: number, model: string | undefined, tried: Set<string>) {
  return pool
    .view()
    .filter(
      (member) =>
        member.state === "active" &&
        member.health.blockAt(now, model) === undefined &&
        !tried.has(member.account.id),
    )
    .map((member) => member.account.id);
}

describe("account choice", () => {
  for (const name of ["round-robin", "sticky", "fixed"] as const) {
    test(`${name}: the pool chooses as the strategy does over the filtered account list, after any history`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(change, request), { maxLength: 40 }), async (steps) => {
          const clock = new FakeClock();
          const reference = strategyFor(name, clock);
          const pool = await startPool(clock, tee(strategyFor(name, clock), reference));
          for (const [op, ask] of steps) {
            await applyChange([pool], clock, op);
            const tried = new Set(ask.tried.map((i) => IDS[i] ?? ""));
            const listed = listedCandidates(referenceCandidates(pool, clock.now(), ask.model, tried));
            const selection = ask.sessionKey === undefined ? {} : { sessionKey: ask.sessionKey };
            const expected = reference.choose(listed, selection);
            const lease = await pool.acquire({
              ...selection,
              exclude: tried,
              ...(ask.model === undefined ? {} : { model: ask.model }),
            });
            expect(lease.ok ? lease.value.accountId : undefined).toBe(expected);
          }
          pool.stop();
        }),
        { numRuns: 100 },
      );
    });
  }

  test("two replicas with the same accounts and states send each new session to the same account", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(change, { maxLength: 25 }),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 10 }),
        model,
        async (changes, keys, forModel) => {
          const clock = new FakeClock();
          const replicas = [
            await startPool(clock, createStickyStrategy({ clock, idleMs: 60_000 })),
            await startPool(clock, createStickyStrategy({ clock, idleMs: 60_000 })),
          ];
          for (const op of changes) await applyChange(replicas, clock, op);
          const chosen = async (pool: AccountPool, sessionKey: string) => {
            const lease = await pool.acquire({
              sessionKey,
              ...(forModel === undefined ? {} : { model: forModel }),
            });
            return lease.ok ? lease.value.accountId : undefined;
          };
          for (const key of keys) {
            const [one, two] = replicas;
            if (one === undefined || two === undefined) throw new Error("two replicas expected");
            expect(await chosen(one, key)).toBe(await chosen(two, key));
          }
          for (const pool of replicas) pool.stop();
        },
      ),
      { numRuns: 100 },
    );
  });

  test("resolves a preferred account by email, whatever its case, and follows it when it is removed", async () => {
    const clock = new FakeClock();
    const pool = await startPool(clock, createRoundRobinStrategy());
    expect(pool.resolve("ID-C@example.com")).toBe("id-c");
    expect(pool.resolve("id-c")).toBe("id-c");
    pool.apply({ type: "remove", id: "id-c" });
    expect(pool.resolve("id-c@example.com")).toBeUndefined();
    pool.apply({ type: "upsert", account: { ...account("id-z", clock), email: "id-c@example.com" } });
    expect(pool.resolve("id-c@example.com")).toBe("id-z");
    pool.stop();
  });
});
