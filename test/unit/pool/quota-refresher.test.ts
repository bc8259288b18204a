/**
 * When the quota refresher asks Google (the emulator as Cloud Code): every account that can ask,
 * a few at a time, then once per jittered interval; after a 429 at most once a minute; again at a
 * protection's reset time; and it writes only what changed meaningfully.
 */
import { describe, expect, test } from "bun:test";
import { markDisabled } from "../../../src/accounts/account-transitions.ts";
import { DEFAULT_PROTECTED_GROUPS } from "../../../src/accounts/quota.ts";
import { type FetchQuota, QuotaRefresher } from "../../../src/pool/quota-refresher.ts";
import { createCodeAssistProfile } from "../../../src/proxy/upstream/code-assist-profile.ts";
import type { StartTimer } from "../../../src/time/shared-deadlines.ts";
import { type PoolFixture, startPoolFixture } from "../../support/pool-fixture.ts";
import { waitFor } from "../../support/wait-for.ts";

const EMAILS = ["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"];
const INTERVAL_MS = 600_000;

interface Timer {
  readonly ms: number;
  readonly fire: () => void;
}

/** Timers a test fires by hand, remembering how long each was set for. */
function recordedTimers(): { start: StartTimer; pending: Timer[] } {
  const pending: Timer[] = [];
  return {
    pending,
    start: (ms, fire) => {
      const timer = { ms, fire };
      pending.push(timer);
      return () => pending.splice(pending.indexOf(timer), 1);
    },
  };
}

function fetchQuotaOf(f: PoolFixture): FetchQuota {
  const profile = createCodeAssistProfile({
    baseUrl: f.google.upstreamUrl,
    fetch: (input, init) => fetch(input, init),
    rememberProject: async () => {},
  });
  if (profile.fetchQuota === undefined) throw new Error("the code-assist profile fetches quota");
  return profile.fetchQuota;
}

function refresher(
  f: PoolFixture,
  timers: { start: StartTimer },
  options: { concurrency?: number; fetchQuota?: FetchQuota; writes?: string[]; failWritesOf?: string } = {},
): QuotaRefresher {
  const writes = options.writes;
  return new QuotaRefresher({
    pool: f.pool,
    store: {
      update: async (id, change) => {
        if (id === options.failWritesOf) throw new Error("EIO: the disk is gone");
        const result = await f.store.update(id, change);
        writes?.push(result.status);
        return result;
      },
    },
    fetchQuota: options.fetchQuota ?? fetchQuotaOf(f),
    // The pool's clock tells the time; the recorded timers fire when the test says.
    clock: { now: () => f.clock.now(), setTimer: (fire, ms) => timers.start(ms, fire) },
    log: f.log.logger,
    intervalMs: INTERVAL_MS,
    random: () => 0,
    policy: { thresholdPercent: 10, groups: [...DEFAULT_PROTECTED_GROUPS] },
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
}

const calls = (f: PoolFixture) => EMAILS.map((email) => f.google.quotaCallsFor(email));

describe("QuotaRefresher", () => {
  test("sweeps every account that is not disabled, two at a time, then again after the jittered interval", async () => {
    await using f = await startPoolFixture({ emails: EMAILS });
    await f.store.update("id-e", (account) => markDisabled(account, "invalid_grant: revoked", 1));
    f.pool.apply({ type: "upsert", account: (await f.store.get("id-e")) ?? f.account("e@example.com") });
    const timers = recordedTimers();
    let inFlight = 0;
    let most = 0;
    const base = fetchQuotaOf(f);
    const counting: FetchQuota = async (lease, signal) => {
      most = Math.max(most, ++inFlight);
      try {
        return await base(lease, signal);
      } finally {
        inFlight -= 1;
      }
    };
    const quotas = refresher(f, timers, { concurrency: 2, fetchQuota: counting });
    quotas.start();
    await waitFor(() => timers.pending.length === 1, { message: "the next sweep's timer" });
    expect(calls(f)).toEqual([1, 1, 1, 1, 0]);
    expect(most).toBe(2);
    expect(timers.pending[0]?.ms).toBe(INTERVAL_MS * 0.9);
    timers.pending.pop()?.fire();
    await waitFor(() => timers.pending.length === 1, { message: "the sweep after" });
    expect(calls(f)).toEqual([2, 2, 2, 2, 0]);
    await quotas.stop();
    expect(timers.pending).toHaveLength(0);
  });

  test("a store that cannot write makes a failed fetch, logged, and the sweep goes on", async () => {
    await using f = await startPoolFixture({ emails: EMAILS.slice(0, 3) });
    const timers = recordedTimers();
    const quotas = refresher(f, timers, { failWritesOf: "id-b" });
    quotas.start();
    await waitFor(() => timers.pending.length === 1, { message: "the next sweep's timer" });
    expect((await f.store.get("id-a"))?.quota).toBeDefined();
    expect((await f.store.get("id-c"))?.quota).toBeDefined();
    expect((await f.store.get("id-b"))?.quota).toBeUndefined();
    expect(f.log.messages("warn")).toContain(
      "Quota fetch failed for account id-b: EIO: the disk is gone; its quota stays as it was",
    );
    const onDemand = await quotas.refresh("id-b");
    expect(onDemand.ok ? "stored" : onDemand.error).toBe("EIO: the disk is gone");
    await quotas.stop();
  });

  test("writes a quota that says something new, not the same one again within the hour", async () => {
    await using f = await startPoolFixture({ emails: EMAILS.slice(0, 1) });
    const writes: string[] = [];
    const quotas = refresher(f, recordedTimers(), { writes });
    const first = await quotas.refresh("id-a");
    expect(first.ok && first.value.quota?.models.length).toBeGreaterThan(0);
    await quotas.refresh("id-a");
    expect(writes).toEqual(["updated", "unchanged"]);
    f.google.lowerQuota("a@example.com", 0.5);
    const lowered = await quotas.refresh("id-a");
    expect(lowered.ok && lowered.value.quota?.models[0]?.percentage).toBe(50);
    f.clock.advance(59 * 60 * 1000);
    await quotas.refresh("id-a");
    f.clock.advance(60 * 1000);
    await quotas.refresh("id-a");
    expect(writes).toEqual(["updated", "unchanged", "updated", "unchanged", "updated"]);
    expect((await f.store.get("id-a"))?.quota?.lastUpdated).toBe(Math.floor(f.clock.now() / 1000));
  });

  test("a 429 asks for the account's quota at most once a minute", async () => {
    await using f = await startPoolFixture({ emails: EMAILS.slice(0, 1) });
    const quotas = refresher(f, recordedTimers());
    quotas.quotaExhausted("id-a");
    quotas.quotaExhausted("id-a");
    await waitFor(() => f.google.quotaCallsFor("a@example.com") === 1, { message: "one fetch" });
    f.clock.advance(59_000);
    quotas.quotaExhausted("id-a");
    f.clock.advance(1_000);
    quotas.quotaExhausted("id-a");
    await waitFor(() => f.google.quotaCallsFor("a@example.com") === 2, { message: "a second fetch" });
    await quotas.refresh("id-a");
    expect(f.google.quotaCallsFor("a@example.com")).toBe(3);
  });

  test("a protected account is looked at again just after its reset time, and the return is announced", async () => {
    await using f = await startPoolFixture({ emails: EMAILS.slice(0, 1) });
    const timers = recordedTimers();
    const quotas = refresher(f, timers);
    const resetTime = new Date(f.clock.now() + 60_000);
    for (const model of ["claude-sonnet-4-5", "claude-sonnet-4-5-thinking", "claude-opus-4-5-thinking"])
      f.google.setQuota("a@example.com", model, { remainingFraction: 0, resetTime });
    await quotas.refresh("id-a");
    expect([...f.pool.protections("id-a").keys()]).toEqual(["claude"]);
    expect(timers.pending.map((timer) => timer.ms)).toEqual([65_000]);
    f.clock.advance(65_000);
    timers.pending.pop()?.fire();
    await waitFor(() => f.google.quotaCallsFor("a@example.com") === 2, { message: "the fetch at reset" });
    expect(f.pool.protections("id-a").size).toBe(0);
    expect(f.log.messages("info").filter((line) => line.includes("serves claude again"))).toHaveLength(1);
    expect(timers.pending).toHaveLength(0);
  });
});
