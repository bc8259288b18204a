import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { ExpiryHeap } from "../../../../src/pool/availability/expiry-heap.ts";

describe("ExpiryHeap", () => {
  test("pops exactly the entries due, earliest first, and keeps the rest", () => {
    const entry = fc.record({ at: fc.nat({ max: 1_000 }), slot: fc.nat({ max: 50 }) });
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 100 }),
        fc.array(fc.nat({ max: 1_000 }), { maxLength: 5 }),
        (entries, nows) => {
          const heap = new ExpiryHeap();
          for (const { at, slot } of entries) heap.push(at, slot);
          let remaining = [...entries];
          for (const now of [...nows].sort((a, b) => a - b)) {
            const popped: number[] = [];
            heap.popDue(now, (slot) => popped.push(slot));
            const due = remaining.filter((e) => e.at <= now).sort((a, b) => a.at - b.at);
            remaining = remaining.filter((e) => e.at > now);
            expect(popped.sort()).toEqual(due.map((e) => e.slot).sort());
            expect(heap.size).toBe(remaining.length);
            expect(heap.nextAt).toBe(Math.min(...remaining.map((e) => e.at), Number.POSITIVE_INFINITY));
          }
        },
      ),
    );
  });

  test("hands out due entries in time order", () => {
    const heap = new ExpiryHeap();
    for (const [at, slot] of [
      [30, 3],
      [10, 1],
      [20, 2],
      [40, 4],
    ] as const)
      heap.push(at, slot);
    const popped: number[] = [];
    heap.popDue(35, (slot) => popped.push(slot));
    expect(popped).toEqual([1, 2, 3]);
    expect(heap.nextAt).toBe(40);
  });
});
