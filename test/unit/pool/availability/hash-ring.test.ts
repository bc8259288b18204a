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

  test("firstCandidateFrom finds the first candidate at or after a point, walking sparse or dense candidates alike", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 200 }),
        fc.nat(),
        fc.array(fc.nat({ max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 40 }),
        (accounts, oneIn, seed, probes) => {
          const ring = new HashRing(accounts, (rank) => idHash(`account-${seed}-${rank}`));
          // About one position in `oneIn` is a candidate: from nearly all to a few in thousands.
          const candidate = Array.from({ length: ring.size }, (_, at) => (at * 7919 + seed) % oneIn === 0);
          const next = (from: number): number => {
            for (let at = Math.max(0, from); at < ring.size; at++) if (candidate[at] === true) return at;
            return -1;
          };
          for (const probe of probes) {
            const expected = next(ring.lowerBound(probe));
            expect(ring.firstCandidateFrom(probe, true, next)).toBe(expected);
            expect(ring.firstCandidateFrom(probe, false, next)).toBe(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
