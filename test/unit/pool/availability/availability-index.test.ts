import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { Account } from "../../../../src/accounts/account.ts";
import { groupQuota, type QuotaPolicy, quotaGroupOf } from "../../../../src/accounts/quota.ts";
import { AvailabilityIndex } from "../../../../src/pool/availability/availability-index.ts";
import { listedTieredCandidates, tierOf } from "../../../../src/pool/availability/quota-tiers.ts";
import { createEntry, type EntryContext, type PoolEntry, stateOf } from "../../../../src/pool/pool-entry.ts";
import { listedCandidates } from "../../../../src/pool/strategies/candidate-set.ts";
import { FakeClock } from "../../../support/fake-clock.ts";

const IDS = Array.from({ length: 12 }, (_, i) => `acct-${String.fromCharCode(97 + ((i * 5) % 12))}${i}`);
/** Two models of one quota group, one of another, one outside every group. */
const MODELS = [
  "gemini-3-flash",
  "gemini-2.5-flash-lite",
  "claude-sonnet-4-5",
  "text-embedding-004",
] as const;
const QUOTA_MODELS = ["gemini-3-flash", "claude-sonnet-4-5", "gemini-3-pro-high"] as const;
const POLICY: QuotaPolicy = { thresholdPercent: 10, groups: ["gemini-3-flash", "claude"] };

function account(id: string): Account {
  return {
    id,
    email: `${id}@example.com`,
    token: { accessToken: "a", refreshToken: `r-${id}`, expiryTimestamp: 0 },
    disabled: false,
    proxyDisabled: false,
    createdAt: 0,
  };
}

const pick = fc.nat({ max: IDS.length - 1 });
const model = fc.option(fc.constantFrom(...MODELS), { nil: undefined });
const operation = fc.oneof(
  fc.record({ kind: fc.constant("disable" as const), at: pick, on: fc.boolean() }),
  fc.record({ kind: fc.constant("proxyDisable" as const), at: pick, on: fc.boolean() }),
  fc.record({ kind: fc.constant("block" as const), at: pick, ms: fc.nat({ max: 60_000 }), model }),
  fc.record({ kind: fc.constant("storedBlock" as const), at: pick, seconds: fc.option(fc.nat({ max: 60 })) }),
  fc.record({ kind: fc.constant("reset" as const), at: pick }),
  fc.record({ kind: fc.constant("refreshSuccess" as const), at: pick }),
  fc.record({ kind: fc.constant("transient" as const), at: pick }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.nat({ max: 40_000 }) }),
  fc.record({ kind: fc.constant("remove" as const), at: pick }),
  fc.record({ kind: fc.constant("add" as const), at: pick }),
  fc.record({
    kind: fc.constant("quota" as const),
    at: pick,
    models: fc.option(
      fc.array(
        fc.record({
          name: fc.constantFrom(...QUOTA_MODELS),
          percentage: fc.constantFrom(0, 5, 9, 12, 25, 40, 55, 90, 100),
          resetIn: fc.option(fc.integer({ min: -5, max: 60 })),
        }),
        { maxLength: 3 },
      ),
    ),
  }),
  fc.record({
    kind: fc.constant("listed" as const),
    at: pick,
    groups: fc.option(fc.subarray(["claude", "gemini-3-flash", "gemini-3-pro-high"])),
  }),
);
const check = fc.record({
  model,
  exclude: fc.uniqueArray(pick, { maxLength: 3 }),
  after: fc.option(pick, { nil: undefined }),
  key: fc.string({ maxLength: 6 }),
});

type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;
type Check = typeof check extends fc.Arbitrary<infer T> ? T : never;

/** A pool's worth of entries reporting to an index, driven by random operations. */
class World {
  readonly clock = new FakeClock();
  readonly index: AvailabilityIndex;
  readonly entries = new Map<string, PoolEntry>();
  readonly context: EntryContext = {
    onChange: (changed) => this.index.changed(changed),
    quotaPolicy: POLICY,
  };

  readonly #tiered: boolean;

  constructor(options: { quotaTiers?: boolean } = {}) {
    this.#tiered = options.quotaTiers === true;
    this.index = new AvailabilityIndex(this.clock, { quotaTiers: this.#tiered });
    for (const id of IDS.slice(0, 8)) this.add(id);
  }

  add(id: string): void {
    if (this.entries.has(id)) return;
    const entry = createEntry(account(id), this.context);
    this.entries.set(id, entry);
    this.index.add(entry);
  }

  apply(op: Operation): void {
    const id = IDS["at" in op ? op.at : 0] ?? "";
    const entry = this.entries.get(id);
    const now = this.clock.now();
    if (op.kind === "advance") this.clock.advance(op.ms);
    else if (op.kind === "add") this.add(id);
    else if (op.kind === "remove") {
      this.entries.delete(id);
      this.index.remove(id);
    } else if (entry !== undefined) changeEntry(entry, op, now);
  }

  expectSameAnswers(ask: Check): void {
    const exclude = new Set(ask.exclude.map((i) => IDS[i] ?? ""));
    const now = this.clock.now();
    const active = [...this.entries.values()]
      .filter((e) => stateOf(e, now, ask.model) === "active" && !exclude.has(e.account.id))
      .map((e) => e.account.id);
    const group = ask.model === undefined ? undefined : quotaGroupOf(ask.model);
    const tierOfId = (id: string): number => {
      const quota = this.entries.get(id)?.account.quota;
      return tierOf(
        quota === undefined || group === undefined ? undefined : groupQuota(quota, group)?.percentage,
      );
    };
    const expected =
      this.#tiered && group !== undefined
        ? listedTieredCandidates(active, tierOfId, listedCandidates)
        : listedCandidates(active);
    const actual = this.index.candidates(ask.model, exclude);
    const after = ask.after === undefined ? undefined : IDS[ask.after];
    for (const candidate of IDS) expect(actual.has(candidate)).toBe(expected.has(candidate));
    expect(actual.nextAfter(after)).toBe(expected.nextAfter(after));
    expect(actual.hashed(ask.key)).toBe(expected.hashed(ask.key));
  }
}

function changeEntry(entry: PoolEntry, op: Operation, now: number): void {
  switch (op.kind) {
    case "disable":
      entry.account = { ...entry.account, disabled: op.on };
      return;
    case "proxyDisable":
      entry.account = { ...entry.account, proxyDisabled: op.on };
      return;
    case "block":
      entry.health.block({ until: now + op.ms, reason: "rate_limited" }, op.model);
      return;
    case "storedBlock": {
      const { validationBlockedUntil: _, ...rest } = entry.account;
      entry.account =
        op.seconds === null ? rest : { ...rest, validationBlockedUntil: Math.floor(now / 1000) + op.seconds };
      return;
    }
    case "reset":
      entry.health.reset();
      return;
    case "quota": {
      const { quota: _, ...rest } = entry.account;
      const seconds = Math.floor(now / 1000);
      const models = op.models?.map(({ name, percentage, resetIn }) =>
        resetIn === null
          ? { name, percentage }
          : { name, percentage, resetTime: new Date((seconds + resetIn) * 1000).toISOString() },
      );
      entry.account = models === undefined ? rest : { ...rest, quota: { models, isForbidden: false } };
      return;
    }
    case "listed": {
      const { protectedModels: _, ...rest } = entry.account;
      entry.account = op.groups === null ? rest : { ...rest, protectedModels: op.groups };
      return;
    }
    case "refreshSuccess":
      entry.health.recordRefreshSuccess();
      return;
    case "transient":
      entry.health.recordTransientFailure(now, "timeout");
      return;
    default:
      return;
  }
}

describe("AvailabilityIndex", () => {
  test("answers as the definition does over the accounts whose state is active, after any history", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(operation, check), { maxLength: 60 }), (steps) => {
        const world = new World();
        for (const [op, ask] of steps) {
          world.apply(op);
          world.expectSameAnswers(ask);
        }
      }),
      { numRuns: 300 },
    );
  });

  test("with quota tiers, answers membership from every candidate and choices from the best tier", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(operation, check), { maxLength: 60 }), (steps) => {
        const world = new World({ quotaTiers: true });
        for (const [op, ask] of steps) {
          world.apply(op);
          world.expectSameAnswers(ask);
        }
      }),
      { numRuns: 300 },
    );
  });

  test("with quota tiers, the few accounts in the best tier of a large pool are found as the definition finds them", () => {
    const clock = new FakeClock();
    const index = new AvailabilityIndex(clock, { quotaTiers: true });
    const context: EntryContext = { onChange: (changed) => index.changed(changed), quotaPolicy: POLICY };
    const entries = Array.from({ length: 600 }, (_, i) => {
      // Four accounts at 100% (the best tier, a few ring positions in 19,200), the rest under 90%.
      const percentage = i % 150 === 7 ? 100 : (i * 37) % 90;
      const entry = createEntry(
        {
          ...account(`acct-${i}`),
          quota: { models: [{ name: "gemini-3-flash", percentage }], isForbidden: false },
        },
        context,
      );
      index.add(entry);
      return entry;
    });
    index.prepare();
    const best = entries.filter((_, i) => i % 150 === 7);
    // One of the best is out for the model only, one for every model: the tier's rest must answer.
    best[0]?.health.block({ until: clock.now() + 60_000, reason: "rate_limited" }, "gemini-3-flash");
    best[1]?.health.block({ until: clock.now() + 60_000, reason: "rate_limited" });
    const active = entries
      .filter((entry) => stateOf(entry, clock.now(), "gemini-3-flash") === "active")
      .map((entry) => entry.account.id);
    const percentageOf = (id: string): number | undefined => {
      const quota = entries.find((entry) => entry.account.id === id)?.account.quota;
      return quota === undefined ? undefined : groupQuota(quota, "gemini-3-flash")?.percentage;
    };
    const expected = listedTieredCandidates(active, (id) => tierOf(percentageOf(id)), listedCandidates);
    const actual = index.candidates("gemini-3-flash", undefined);
    const answers = new Set<string | undefined>();
    for (let i = 0; i < 300; i++) {
      const answer = actual.hashed(`session-${i}`);
      expect(answer).toBe(expected.hashed(`session-${i}`));
      answers.add(answer);
    }
    expect([...answers].sort()).toEqual([best[2]?.account.id, best[3]?.account.id].sort());
  });

  test("a cooldown ends on time without any event", () => {
    const clock = new FakeClock();
    const index = new AvailabilityIndex(clock);
    const entry = createEntry(account("a"), { onChange: (changed) => index.changed(changed) });
    index.add(entry);
    entry.health.block({ until: clock.now() + 1_000, reason: "rate_limited" });
    entry.health.block({ until: clock.now() + 2_000, reason: "rate_limited" }, "pro");
    expect(index.candidates(undefined, undefined).nextAfter(undefined)).toBeUndefined();
    clock.advance(1_000);
    expect(index.candidates(undefined, undefined).nextAfter(undefined)).toBe("a");
    expect(index.candidates("pro", undefined).nextAfter(undefined)).toBeUndefined();
    expect(index.candidates("flash", undefined).has("a")).toBe(true);
    clock.advance(1_000);
    expect(index.candidates("pro", undefined).hashed("session")).toBe("a");
  });
});
