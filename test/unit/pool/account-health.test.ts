import { describe, expect, test } from "bun:test";
import { AccountHealth } from "../../../src/pool/account-health.ts";
import { transientBackoffMs } from "../../../src/pool/cooldown-policy.ts";

describe("cooldowns", () => {
  test("transient failures back off from 10 s, doubling, up to 5 min", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(transientBackoffMs)).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000,
    ]);
  });

  test("a transient failure blocks the account until its backoff ends", () => {
    const health = new AccountHealth();
    health.recordTransientFailure(1_000, "timeout");
    expect(health.blockAt(1_000 + 9_999)?.reason).toBe("transient");
    expect(health.blockAt(1_000 + 10_000)).toBeUndefined();
    health.recordTransientFailure(20_000, "timeout");
    expect(health.blockAt(20_000 + 19_999)).toBeDefined();
  });

  test("a refresh success ends a transient cooldown and resets the backoff", () => {
    const health = new AccountHealth();
    health.recordTransientFailure(0, "timeout");
    health.recordTransientFailure(0, "timeout");
    health.recordRefreshSuccess();
    expect(health.blockAt(1)).toBeUndefined();
    expect(health.recordTransientFailure(100, "timeout").until).toBe(10_100);
  });

  test("a model cooldown blocks that model only", () => {
    const health = new AccountHealth();
    health.block({ until: 5_000, reason: "rate_limited" }, "gemini-pro");
    expect(health.blockAt(1_000, "gemini-pro")?.reason).toBe("rate_limited");
    expect(health.blockAt(1_000, "gemini-flash")).toBeUndefined();
    expect(health.accountBlockAt(1_000)).toBeUndefined();
  });

  test("three 403s in a row call for proxy_disabled; a success in between resets the streak", () => {
    const health = new AccountHealth();
    expect(health.recordForbidden(0, "403")).toBe(false);
    expect(health.recordForbidden(0, "403")).toBe(false);
    health.recordUpstreamSuccess();
    expect(health.recordForbidden(0, "403")).toBe(false);
    expect(health.recordForbidden(0, "403")).toBe(false);
    expect(health.recordForbidden(0, "403")).toBe(true);
  });
});
