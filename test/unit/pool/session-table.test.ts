/**
 * The sticky strategy's session table against a model — an array of bindings in expiry order —
 * under every sequence of its operations, with tables small enough that probes collide, runs
 * wrap around the table's end, removals shift entries back and the ring grows and wraps.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { NOT_BOUND, SessionTable } from "../../../src/pool/strategies/session-table.ts";

interface ModelBinding {
  key: string;
  accountId: string;
  lastSeen: number;
  queuedAt: number;
  epoch: number;
}

type Operation =
  | { readonly kind: "bind"; readonly key: string; readonly accountId: string; readonly now: number }
  | { readonly kind: "dropOldest" }
  | { readonly kind: "requeueOldest"; readonly now: number };

const keyArb = fc.integer({ min: 0, max: 60 }).map((n) => `session-${n}`);
const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("bind" as const),
      key: keyArb,
      accountId: fc.constantFrom("a", "b", "c"),
      now: fc.nat(1000),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("dropOldest" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("requeueOldest" as const), now: fc.nat(1000) }) },
);

/** Applies `operation` to the table and the model alike, as the sticky strategy uses the table. */
function apply(
  table: SessionTable,
  model: ModelBinding[],
  maxSize: number,
  operation: Operation,
  epoch: number,
): void {
  if (operation.kind === "dropOldest") {
    table.dropOldest();
    model.shift();
    return;
  }
  if (operation.kind === "requeueOldest") {
    table.requeueOldest(operation.now);
    const oldest = model.shift();
    if (oldest !== undefined) model.push({ ...oldest, queuedAt: operation.now });
    return;
  }
  const { key, accountId, now } = operation;
  const at = table.find(key);
  const bound = model.find((binding) => binding.key === key);
  if (bound !== undefined) {
    expect(at).not.toBe(NOT_BOUND);
    table.update(at, accountId, now, epoch);
    Object.assign(bound, { accountId, lastSeen: now, epoch });
    return;
  }
  expect(at).toBe(NOT_BOUND);
  if (table.size >= maxSize) {
    table.dropOldest();
    model.shift();
  }
  table.add(key, accountId, now, epoch);
  model.push({ key, accountId, lastSeen: now, queuedAt: now, epoch });
}

function expectSame(table: SessionTable, model: readonly ModelBinding[]): void {
  expect(table.size).toBe(model.length);
  for (const binding of model) {
    const at = table.find(binding.key);
    expect(at).not.toBe(NOT_BOUND);
    expect([table.accountAt(at), table.lastSeenAt(at), table.epochAt(at), table.queuedAtOf(at)]).toEqual([
      binding.accountId,
      binding.lastSeen,
      binding.epoch,
      binding.queuedAt,
    ]);
  }
  const order: [string, number][] = [];
  table.forEach((accountId, epoch) => {
    order.push([accountId, epoch]);
  });
  expect(order).toEqual(model.map((binding) => [binding.accountId, binding.epoch]));
  const oldest = model[0];
  if (oldest === undefined) expect(table.oldest()).toBe(NOT_BOUND);
  else expect(table.oldest()).toBe(table.find(oldest.key));
}

describe("the session table", () => {
  test("finds, updates, evicts and requeues bindings as a list in expiry order does", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(operationArb, { minLength: 50, maxLength: 300 }),
        (maxSize, operations) => {
          const table = new SessionTable(maxSize);
          const model: ModelBinding[] = [];
          operations.forEach((operation, epoch) => {
            apply(table, model, maxSize, operation, epoch);
            expectSame(table, model);
          });
          for (let n = 0; n < 100; n++) expect(table.find(`never-${n}`)).toBe(NOT_BOUND);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("keeps the newest 1,000 sessions through 250,000 arrivals at a limit of 1,000", () => {
    const table = new SessionTable(1_000);
    for (let n = 0; n < 250_000; n++) {
      if (table.size >= 1_000) table.dropOldest();
      table.add(`s-${n}`, `a-${n % 7}`, n, 0);
    }
    expect(table.size).toBe(1_000);
    expect(table.find("s-248999")).toBe(NOT_BOUND);
    expect(table.accountAt(table.find("s-249000"))).toBe(`a-${249_000 % 7}`);
    expect(table.lastSeenAt(table.oldest())).toBe(249_000);
  });

  test("refuses an add past its limit instead of losing a binding", () => {
    const table = new SessionTable(2);
    table.add("a", "x", 0, 0);
    table.add("b", "x", 0, 0);
    expect(() => table.add("c", "x", 0, 0)).toThrow("past the session limit");
    expect(table.find("a")).not.toBe(NOT_BOUND);
  });
});
