import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  HashRing,
  idHash,
  keyPoint,
  ringChoose,
  ringPoint,
  VIRTUAL_NODES,
} from "../../../../src/pool/availability/hash-ring.ts";

const idsArbitrary = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), {
  minLength: 1,
  maxLength: 30,
});
const keysArbitrary = fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 20 });

describe("hash ring", () => {
  test("a session moves only when the account it was on leaves", () => {
    fc.assert(
      fc.property(idsArbitrary, keysArbitrary, fc.nat(), (ids, keys, pick) => {
        const leaving = ids[pick % ids.length] ?? "";
        const rest = ids.filter((id) => id !== leaving);
        for (const key of keys) {
          const before = ringChoose(key, ids);
          const after = ringChoose(key, rest);
          if (before !== leaving) expect(after).toBe(before);
        }
      }),
    );
  });

  test("a returning account takes back only sessions that land on it", () => {
    fc.assert(
      fc.property(idsArbitrary, keysArbitrary, fc.nat(), (ids, keys, pick) => {
        const returning = ids[pick % ids.length] ?? "";
        const rest = ids.filter((id) => id !== returning);
        for (const key of keys) {
          const after = ringChoose(key, ids);
          if (after !== returning) expect(after).toBe(ringChoose(key, rest));
        }
      }),
    );
  });

  test("the choice depends on the set, not the order the ids come in", () => {
    fc.assert(
      fc.property(idsArbitrary, keysArbitrary, (ids, keys) => {
        const reversed = [...ids].reverse();
        for (const key of keys) expect(ringChoose(key, reversed)).toBe(ringChoose(key, ids));
      }),
    );
  });

  test("spreads 100,000 sessions over 100 accounts within a factor of two of the mean", () => {
    const ids = Array.from({ length: 100 }, (_, i) => `account-${i}`).sort();
    const ring = new HashRing(ids.length, (rank) => idHash(ids[rank] ?? ""));
    const counts = new Map(ids.map((id) => [id, 0]));
    for (let i = 0; i < 100_000; i++) {
      const position = ring.lowerBound(keyPoint(`session-${i}`));
      const id = ids[ring.ownerAt(position < ring.size ? position : 0)] ?? "";
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(ringChoose("session-1", ids)).toBe(
      ids[ring.ownerAt(ring.lowerBound(keyPoint("session-1")) % ring.size)] ?? "",
    );
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(1_000 / 2);
      expect(count).toBeLessThan(1_000 * 2);
    }
  });

  test("lowerBound finds the first point at or after any point, as a linear search does", () => {
    fc.assert(
      fc.property(idsArbitrary, fc.array(fc.nat({ max: 2 ** 32 - 1 }), { maxLength: 30 }), (ids, probes) => {
        const sorted = [...ids].sort();
        const ring = new HashRing(sorted.length, (rank) => idHash(sorted[rank] ?? ""));
        expect(ring.size).toBe(sorted.length * VIRTUAL_NODES);
        const points = sorted
          .flatMap((id, rank) =>
            Array.from({ length: VIRTUAL_NODES }, (_, n) => ({ point: ringPoint(idHash(id), n), rank })),
          )
          .sort((a, b) => a.point - b.point || a.rank - b.rank);
        for (const probe of [...probes, keyPoint("k")]) {
          const expected = points.findIndex((p) => p.point >= probe);
          const position = ring.lowerBound(probe);
          expect(position).toBe(expected < 0 ? points.length : expected);
          if (position < ring.size) expect(ring.ownerAt(position)).toBe(points[position]?.rank ?? -1);
        }
        sorted.forEach((id, rank) => {
          const owned: number[] = [];
          ring.forEachPositionOf(rank, idHash(id), (position) => owned.push(position));
          expect(owned.length).toBe(VIRTUAL_NODES);
          for (const position of owned) expect(ring.ownerAt(position)).toBe(rank);
        });
      }),
    );
  });

  test("a point's bucket holds its lower bound, smaller points before it and larger ones after it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.nat(),
        fc.array(fc.nat({ max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 40 }),
        (accounts, seed, probes) => {
          const ring = new HashRing(accounts, (rank) => idHash(`account-${seed}-${rank}`));
          for (const probe of probes) {
            const start = ring.bucketStart(probe);
            const end = ring.bucketEnd(probe);
            const bound = ring.lowerBound(probe);
            expect(start).toBeLessThanOrEqual(bound);
            expect(bound).toBeLessThanOrEqual(end);
            if (start > 0) expect(ring.pointAt(start - 1)).toBeLessThan(probe);
            if (end < ring.size) expect(ring.pointAt(end)).toBeGreaterThan(probe);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
