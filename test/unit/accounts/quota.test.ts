/** Quota groups and protection, by the reference's rules (../shared/notes/quota.md). */
import { describe, expect, test } from "bun:test";
import {
  type AccountQuota,
  groupQuota,
  groupsBelowThreshold,
  lowestPercentage,
  percentageOf,
  protectedGroups,
  type QuotaPolicy,
  quotaGroupOf,
} from "../../../src/accounts/quota.ts";

const NOW = Date.parse("2026-12-03T18:00:00Z") / 1000;
const LATER = "2026-12-03T20:00:00Z";
const EARLIER = "2026-12-03T17:00:00Z";
const POLICY: QuotaPolicy = { thresholdPercent: 10, groups: ["claude", "gemini-3-flash"] };

function quota(...models: [name: string, percentage: number, resetTime?: string][]): AccountQuota {
  return {
    models: models.map(([name, percentage, resetTime]) =>
      resetTime === undefined ? { name, percentage } : { name, percentage, resetTime },
    ),
    lastUpdated: NOW,
    isForbidden: false,
  };
}

describe("quota groups", () => {
  test("model names map to the reference's groups: image, then Claude, then flash, then pro", () => {
    expect(
      [
        "gemini-3.1-flash-image",
        "models/gemini-3-pro-image-preview",
        "claude-sonnet-4-5",
        "claude-opus-4-5-thinking",
        "Claude-Haiku",
        "gemini-3-flash",
        "gemini-2.5-flash-lite",
        "gemini-3-pro-high",
        "gemini-3-pro-low",
        "text-embedding-004",
      ].map(quotaGroupOf),
    ).toEqual([
      "gemini-3.1-flash-image",
      "gemini-3.1-flash-image",
      "claude",
      "claude",
      "claude",
      "gemini-3-flash",
      "gemini-3-flash",
      "gemini-3-pro-high",
      "gemini-3-pro-high",
      undefined,
    ]);
  });

  test("a remaining fraction becomes the stored percentage, floored and clamped", () => {
    expect([0, 0.099, 0.1, 0.555, 1, 1.5, -0.2].map(percentageOf)).toEqual([0, 9, 10, 55, 100, 100, 0]);
  });

  test("a group stands at its best model, and comes back at its earliest reset", () => {
    const q = quota(
      ["claude-sonnet-4-5", 7, LATER],
      ["claude-opus-4-5-thinking", 3, EARLIER],
      ["gemini-3-flash", 50],
    );
    expect(groupQuota(q, "claude")).toEqual({ percentage: 7, resetAt: Date.parse(EARLIER) / 1000 });
    expect(groupQuota(q, "gemini-3-flash")).toEqual({ percentage: 50 });
    expect(groupQuota(q, "gemini-3-pro-high")).toBeUndefined();
  });

  test("the lowest percentage over every model, for the printer column", () => {
    expect(lowestPercentage(quota(["a", 80], ["b", 12]))).toBe(12);
    expect(lowestPercentage(quota())).toBeUndefined();
    expect(lowestPercentage(undefined)).toBeUndefined();
  });
});

describe("quota protection", () => {
  test("a watched group below the threshold is protected until its reset; others are not", () => {
    const q = quota(
      ["claude-sonnet-4-5", 9, LATER],
      ["gemini-3-flash", 10, LATER],
      ["gemini-3-pro-high", 1, LATER],
    );
    expect(protectedGroups({ quota: q }, POLICY, NOW)).toEqual(
      new Map([["claude", Date.parse(LATER) / 1000]]),
    );
    expect(groupsBelowThreshold(q, POLICY)).toEqual(["claude"]);
  });

  test("a reset time that has passed lifts protection; a missing one holds it until a fetch", () => {
    expect(protectedGroups({ quota: quota(["claude-sonnet-4-5", 0, EARLIER]) }, POLICY, NOW).size).toBe(0);
    expect(protectedGroups({ quota: quota(["claude-sonnet-4-5", 0]) }, POLICY, NOW)).toEqual(
      new Map([["claude", Number.POSITIVE_INFINITY]]),
    );
  });

  test("without protection configured, nothing is protected but what the record lists", () => {
    const q = quota(["claude-sonnet-4-5", 0, LATER], ["gemini-3-flash", 5, LATER]);
    expect(protectedGroups({ quota: q }, undefined, NOW).size).toBe(0);
    expect([
      ...protectedGroups({ quota: q, protectedModels: ["gemini-3-flash"] }, undefined, NOW).keys(),
    ]).toEqual(["gemini-3-flash"]);
  });

  test("a listed group is honoured only while its quota stays low (the reference's 10% when off here)", () => {
    const listed = { protectedModels: ["claude-sonnet-4-5"] };
    expect(
      protectedGroups({ ...listed, quota: quota(["claude-sonnet-4-5", 60, LATER]) }, undefined, NOW).size,
    ).toBe(0);
    expect(
      protectedGroups({ ...listed, quota: quota(["claude-sonnet-4-5", 9, LATER]) }, undefined, NOW).size,
    ).toBe(1);
    expect(
      protectedGroups(
        { ...listed, quota: quota(["claude-sonnet-4-5", 15, LATER]) },
        { thresholdPercent: 20, groups: [] },
        NOW,
      ).size,
    ).toBe(1);
  });

  test("a listed group with no quota on record stays protected until a fetch; a policy group does not", () => {
    expect(protectedGroups({ protectedModels: ["claude"] }, POLICY, NOW)).toEqual(
      new Map([["claude", Number.POSITIVE_INFINITY]]),
    );
    expect(protectedGroups({}, POLICY, NOW).size).toBe(0);
  });

  test("a listed name outside every group is ignored: a record cannot invent groups", () => {
    const names = Array.from({ length: 50 }, (_, i) => `made-up-${i}`);
    expect(protectedGroups({ protectedModels: [...names, "claude-opus"] }, undefined, NOW)).toEqual(
      new Map([["claude", Number.POSITIVE_INFINITY]]),
    );
  });

  test("a group the account's quota does not mention counts as full", () => {
    expect(protectedGroups({ quota: quota(["gemini-3-pro-high", 0, LATER]) }, POLICY, NOW).size).toBe(0);
  });
});
