import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { Account } from "../../../../src/accounts/account.ts";
import { AvailabilityIndex } from "../../../../src/pool/availability/availability-index.ts";
import { createEntry, type PoolEntry } from "../../../../src/pool/pool-entry.ts";
import type { CandidateSet } from "../../../../src/pool/strategies/candidate-set.ts";
import { FakeClock } from "../../../support/fake-clock.ts";

const IDS = Array.from({ length: 20 }, (_, i) => `${String.fromCharCode(97 + ((i * 7) % 20))}-${i}`);
const MODEL = "pro";
const KEYS = ["", "a", "session-1", "session-2", "zz", "κλειδί"];

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
const operation = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("add" as const), at: pick }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("remove" as const), at: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("disable" as const), at: pick, on: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("block" as const),
      at: pick,
      ms: fc.nat({ max: 10_000 }),
      forModel: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.nat({ max: 10_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("choose" as const) }) },
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** An index that lives through a history of arrivals and departures, merging often. */
class IncrementalWorld {
  readonly clock = new FakeClock();
  readonly index: AvailabilityIndex;
  readonly entries = new Map<string, PoolEntry>();

  constructor(bound: number, initial: number) {
    this.index = new AvailabilityIndex(this.clock, { recentBound: () => bound });
    for (const id of IDS.slice(0, initial)) this.#add(id);
    this.index.prepare();
  }

  apply(op: Operation): void {
    const id = "at" in op ? (IDS[op.at] ?? "") : "";
    const entry = this.entries.get(id);
    const now = this.clock.now();
    switch (op.kind) {
      case "advance":
        this.clock.advance(op.ms);
        return;
      case "choose":
        // Asking lays out what came before (the first choice) and exercises the rotation's memory.
        rotation(this.index.candidates(MODEL, undefined), 3);
        return;
      case "add":
        this.#add(id);
        return;
      case "remove":
        this.entries.delete(id);
        this.index.remove(id);
        return;
      case "disable":
        if (entry !== undefined) entry.account = { ...entry.account, disabled: op.on };
        return;
      case "block":
        entry?.health.block({ until: now + op.ms, reason: "rate_limited" }, op.forModel ? MODEL : undefined);
        return;
    }
  }

  /** An index built from scratch, in one sort, over the same accounts as they are now. */
  fromScratch(): AvailabilityIndex {
    const index = new AvailabilityIndex(this.clock);
    for (const entry of this.entries.values()) index.add(entry);
    index.prepare();
    return index;
  }

  #add(id: string): void {
    if (this.entries.has(id)) return;
    const entry = createEntry(account(id), { onChange: (changed) => this.index.changed(changed) });
    this.entries.set(id, entry);
    this.index.add(entry);
  }
}

/** `steps` successive rotation answers, each asked after the previous one. */
function rotation(candidates: CandidateSet, steps: number): (string | undefined)[] {
  const answers: (string | undefined)[] = [];
  let last: string | undefined;
  for (let i = 0; i < steps; i++) {
    last = candidates.nextAfter(last);
    answers.push(last);
  }
  return answers;
}

function expectSameChoices(actual: CandidateSet, expected: CandidateSet): void {
  for (const id of IDS) {
    expect(actual.has(id)).toBe(expected.has(id));
    expect(actual.nextAfter(id)).toBe(expected.nextAfter(id));
  }
  expect(actual.nextAfter(undefined)).toBe(expected.nextAfter(undefined));
  expect(rotation(actual, IDS.length + 1)).toEqual(rotation(expected, IDS.length + 1));
  for (const key of KEYS) expect(actual.hashed(key)).toBe(expected.hashed(key));
}

describe("AvailabilityIndex, accounts joining and leaving", () => {
  test("makes the same choices as an index built from scratch over the same accounts, after any history", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 4 }),
        fc.nat({ max: 10 }),
        fc.array(operation, { maxLength: 80 }),
        fc.uniqueArray(pick, { maxLength: 3 }),
        (bound, initial, operations, tried) => {
          const world = new IncrementalWorld(bound, initial);
          const exclude = new Set(tried.map((i) => IDS[i] ?? ""));
          for (const op of operations) world.apply(op);
          const scratch = world.fromScratch();
          for (const model of [undefined, MODEL, "flash"]) {
            expectSameChoices(world.index.candidates(model, undefined), scratch.candidates(model, undefined));
            expectSameChoices(world.index.candidates(model, exclude), scratch.candidates(model, exclude));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test("an account that leaves and comes back before the next merge is chosen again", () => {
    const clock = new FakeClock();
    const index = new AvailabilityIndex(clock, { recentBound: () => 100 });
    const entries = IDS.slice(0, 3).map((id) =>
      createEntry(account(id), { onChange: (changed) => index.changed(changed) }),
    );
    for (const entry of entries) index.add(entry);
    index.prepare();
    const [first] = entries;
    if (first === undefined) throw new Error("no entries");
    index.remove(first.account.id);
    expect(index.candidates(undefined, undefined).has(first.account.id)).toBe(false);
    index.add(createEntry(first.account, { onChange: (changed) => index.changed(changed) }));
    const candidates = index.candidates(undefined, undefined);
    expect(candidates.has(first.account.id)).toBe(true);
    expect(rotation(candidates, 3).sort()).toEqual(IDS.slice(0, 3).sort());
  });
});
