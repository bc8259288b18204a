import { describe, expect, test } from "bun:test";
import { ringChoose } from "../../../src/pool/availability/hash-ring.ts";
import { listedCandidates } from "../../../src/pool/strategies/candidate-set.ts";
import { createFixedStrategy } from "../../../src/pool/strategies/fixed.ts";
import { createRoundRobinStrategy } from "../../../src/pool/strategies/round-robin.ts";
import { createStickyStrategy } from "../../../src/pool/strategies/sticky.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const ids = listedCandidates(["a", "b", "c", "d"]);

describe("round-robin", () => {
  test("rotates through every healthy account in turn", () => {
    const rr = createRoundRobinStrategy();
    const picks = Array.from({ length: 8 }, () => rr.choose(ids, {}));
    expect(picks).toEqual(["a", "b", "c", "d", "a", "b", "c", "d"]);
  });

  test("keeps rotating when the healthy set changes", () => {
    const rr = createRoundRobinStrategy();
    expect(rr.choose(ids, {})).toBe("a");
    expect(rr.choose(listedCandidates(["a", "c", "d"]), {})).toBe("c");
    expect(rr.choose(listedCandidates(["a", "b", "c", "d"]), {})).toBe("d");
    expect(rr.choose(listedCandidates(["a", "b"]), {})).toBe("a");
  });

  test("spreads 400 requests evenly over four accounts", () => {
    const rr = createRoundRobinStrategy();
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const id = rr.choose(ids, {}) ?? "";
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([100, 100, 100, 100]);
  });
});

describe("sticky", () => {
  test("sends the same session to the same account while it is healthy", () => {
    const sticky = createStickyStrategy({ clock: new FakeClock(), idleMs: 3_600_000 });
    const first = sticky.choose(ids, { sessionKey: "s1" });
    for (let i = 0; i < 5; i++) expect(sticky.choose(ids, { sessionKey: "s1" })).toBe(first);
  });

  test("two replicas choose the same account for a session without sharing state", () => {
    const one = createStickyStrategy({ clock: new FakeClock(), idleMs: 3_600_000 });
    const two = createStickyStrategy({ clock: new FakeClock(), idleMs: 3_600_000 });
    for (const key of ["s1", "s2", "s3", "s4", "s5"]) {
      expect(one.choose(ids, { sessionKey: key })).toBe(two.choose(ids, { sessionKey: key }));
    }
  });

  test("moves a session on when its account fails, and forgets it on release", () => {
    const sticky = createStickyStrategy({ clock: new FakeClock(), idleMs: 3_600_000 });
    const first = sticky.choose(ids, { sessionKey: "s1" }) ?? "";
    const others = listedCandidates(["a", "b", "c", "d"].filter((id) => id !== first));
    const moved = sticky.choose(others, { sessionKey: "s1" });
    expect(moved).not.toBe(first);
    sticky.release(moved ?? "");
    expect(sticky.boundSessions()).toBe(0);
  });

  test("a new account does not steal bound sessions", () => {
    const sticky = createStickyStrategy({ clock: new FakeClock(), idleMs: 3_600_000 });
    const bound = new Map(
      ["k1", "k2", "k3", "k4", "k5", "k6"].map((k) => [
        k,
        sticky.choose(listedCandidates(["a", "b"]), { sessionKey: k }),
      ]),
    );
    for (const [key, id] of bound)
      expect(sticky.choose(listedCandidates(["a", "b", "c"]), { sessionKey: key })).toBe(id ?? "");
  });

  test("keeps at most maxSessions bindings, dropping the oldest: those sessions land on their hashed choice", () => {
    const sticky = createStickyStrategy({ clock: new FakeClock(), idleMs: 3_600_000, maxSessions: 5 });
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    const before = new Map(
      keys.map((k) => [k, sticky.choose(listedCandidates(["a", "b"]), { sessionKey: k })]),
    );
    expect(sticky.boundSessions()).toBe(5);
    const grown = ["a", "b", "c"];
    const moved = keys.filter((k) => ringChoose(k, grown) !== before.get(k));
    expect(moved.length).toBeGreaterThan(0); // else this test could not tell kept from dropped
    // The five newest first (asking for a dropped one binds it again, dropping the oldest).
    for (const key of keys.slice(15))
      expect(sticky.choose(listedCandidates(grown), { sessionKey: key })).toBe(before.get(key) ?? "");
    for (const key of keys.slice(0, 15))
      expect(sticky.choose(listedCandidates(grown), { sessionKey: key })).toBe(ringChoose(key, grown) ?? "");
  });

  test("many sessions come and go: the newest maxSessions stay bound, in order, after expiries", () => {
    const clock = new FakeClock();
    const sticky = createStickyStrategy({ clock, idleMs: 3_600_000, maxSessions: 2_000 });
    const two = listedCandidates(["a", "b"]);
    const grown = ["a", "b", "c"];
    const old = Array.from({ length: 3_000 }, (_, i) => `old${i}`);
    for (const key of old) sticky.choose(two, { sessionKey: key });
    // Used again within the idle period: survives the expiry and goes to the back of the order.
    clock.advance(1_800_000);
    const kept = old.slice(-500);
    for (const key of kept) sticky.choose(two, { sessionKey: key });
    clock.advance(1_800_000);
    const fresh = Array.from({ length: 1_500 }, (_, i) => `new${i}`);
    const before = new Map(
      [...kept, ...fresh].map((k) => [k, sticky.choose(two, { sessionKey: k })] as const),
    );
    expect(sticky.boundSessions()).toBe(2_000);
    for (const [key, id] of before)
      expect(sticky.choose(listedCandidates(grown), { sessionKey: key })).toBe(id ?? "");
    const unused = old.slice(0, 2_500).filter((k) => ringChoose(k, grown) === "c");
    expect(unused.length).toBeGreaterThan(0); // sessions the grown pool would move, if they were bound
    for (const key of unused.slice(0, 5))
      expect(sticky.choose(listedCandidates(grown), { sessionKey: key })).toBe("c");
  });

  test("bindings expire after the idle period", () => {
    const clock = new FakeClock();
    const sticky = createStickyStrategy({ clock, idleMs: 3_600_000 });
    sticky.choose(ids, { sessionKey: "s1" });
    expect(sticky.boundSessions()).toBe(1);
    clock.advance(3_600_000);
    sticky.choose(ids, { sessionKey: "s2" });
    expect(sticky.boundSessions()).toBe(1);
  });

  test("consistent hashing spreads sessions over all accounts", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const id = ringChoose(`session-${i}`, ["a", "b", "c", "d"]) ?? "";
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const id of ["a", "b", "c", "d"]) expect(counts.get(id) ?? 0).toBeGreaterThan(180);
  });
});

describe("fixed", () => {
  test("uses the preferred account and falls back to rotation while it is unhealthy", () => {
    const fixed = createFixedStrategy(() => "c");
    expect(fixed.choose(ids, {})).toBe("c");
    expect(fixed.choose(ids, {})).toBe("c");
    const fallback = [
      fixed.choose(listedCandidates(["a", "b"]), {}),
      fixed.choose(listedCandidates(["a", "b"]), {}),
    ];
    expect(fallback.sort()).toEqual(["a", "b"]);
  });
});
