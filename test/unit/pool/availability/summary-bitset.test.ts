import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { SummaryBitset } from "../../../../src/pool/availability/summary-bitset.ts";

/** The next set index at or after `from` in a plain boolean array, the definition. */
function nextIn(bits: readonly boolean[], from: number): number {
  for (let i = Math.max(0, from); i < bits.length; i++) if (bits[i]) return i;
  return -1;
}

describe("SummaryBitset", () => {
  test("finds the next set bit across words and summary levels", () => {
    const bits = new SummaryBitset(100_000);
    for (const i of [5, 31, 32, 1023, 1024, 70_000, 99_999]) bits.set(i);
    expect([0, 6, 32, 33, 1025, 70_001].map((i) => bits.nextFrom(i))).toEqual([
      5, 31, 32, 1023, 70_000, 99_999,
    ]);
    expect(bits.nextFrom(100_000)).toBe(-1);
    expect(bits.nextCircular(99_999)).toBe(99_999);
    bits.clear(99_999);
    expect(bits.nextCircular(70_001)).toBe(5);
    expect(bits.count).toBe(6);
  });

  test("a bitset filled a word at a time equals one set bit by bit", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 3_000 }), fc.nat({ max: 3_100 }), (flags, from) => {
        // Keys walk the flags backwards, as ring positions point at slots in any order.
        const keys = Uint32Array.from(flags, (_, i) => flags.length - 1 - i);
        const filled = SummaryBitset.from(
          keys,
          Uint8Array.from(flags, (_, i) => (flags[flags.length - 1 - i] === true ? 1 : 0)),
        );
        const bitByBit = new SummaryBitset(flags.length);
        flags.forEach((on, i) => {
          if (on) bitByBit.set(i);
        });
        expect(filled.count).toBe(bitByBit.count);
        expect(filled.nextFrom(from)).toBe(bitByBit.nextFrom(from));
        expect(filled.nextCircular(from)).toBe(bitByBit.nextCircular(from));
        for (let i = 0; i < flags.length; i += 97) expect(filled.has(i)).toBe(flags[i] === true);
      }),
    );
  });

  test("an empty set has no next bit, wrapping or not", () => {
    const bits = new SummaryBitset(0);
    expect(bits.nextCircular(0)).toBe(-1);
    expect(new SummaryBitset(40).nextCircular(7)).toBe(-1);
  });

  test("matches a boolean array over random sets, clears and lookups", () => {
    const operation = fc.record({ set: fc.boolean(), at: fc.nat({ max: 5_000 }) });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.array(operation, { maxLength: 200 }),
        (size, ops) => {
          const bits = new SummaryBitset(size);
          const reference = Array.from({ length: size }, () => false);
          for (const { set, at } of ops) {
            const index = at % size;
            if (set) bits.set(index);
            else bits.clear(index);
            reference[index] = set;
            const from = (at * 7) % (size + 1);
            expect(bits.nextFrom(from)).toBe(nextIn(reference, from));
            const wrapped = nextIn(reference, from);
            expect(bits.nextCircular(from)).toBe(wrapped >= 0 ? wrapped : nextIn(reference, 0));
            expect(bits.has(index)).toBe(set);
          }
          expect(bits.count).toBe(reference.filter(Boolean).length);
          expect(bits.clone().nextFrom(0)).toBe(nextIn(reference, 0));
        },
      ),
    );
  });
});
