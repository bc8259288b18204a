/** The pool's side of the upstream rows of SPEC §5.4: cooldowns per account and model, blocks, 403 streaks. */
import { describe, expect, test } from "bun:test";
import { startPoolFixture } from "../../support/pool-fixture.ts";

const A = "alice@example.com";

describe("upstream verdicts", () => {
  test("a 429 without hints cools the account down for 30 s", async () => {
    await using f = await startPoolFixture({ emails: [A] });
    await f.pool.report("id-alice", { kind: "rate_limited", message: "quota" });
    f.clock.advanceSeconds(29);
    expect((await f.pool.acquire()).ok).toBe(false);
    f.clock.advanceSeconds(1);
    expect((await f.pool.acquire()).ok).toBe(true);
  });

  test("a per-model quota blocks that model only, for as long as Google says, uncapped below a day", async () => {
    await using f = await startPoolFixture({ emails: [A] });
    await f.pool.report("id-alice", {
      kind: "rate_limited",
      message: "quota",
      model: "pro",
      retryAfterMs: 3_600_000,
    });
    expect((await f.pool.acquire({ model: "pro" })).ok).toBe(false);
    expect((await f.pool.acquire({ model: "flash" })).ok).toBe(true);
    f.clock.advanceSeconds(3599);
    expect((await f.pool.acquire({ model: "pro" })).ok).toBe(false);
    f.clock.advanceSeconds(1);
    expect((await f.pool.acquire({ model: "pro" })).ok).toBe(true);
  });

  test("VALIDATION_REQUIRED blocks for 10 minutes and records the URL", async () => {
    await using f = await startPoolFixture({ emails: [A] });
    await f.pool.report("id-alice", {
      kind: "validation_required",
      url: "https://accounts.google.com/v",
      message: "m",
    });
    const view = f.pool.view()[0];
    expect(view?.state).toBe("cooldown");
    expect(view?.health.blockAt(f.clock.now())).toMatchObject({
      reason: "validation_required",
      detail: "https://accounts.google.com/v",
    });
    f.clock.advanceSeconds(600);
    expect(f.pool.view()[0]?.state).toBe("active");
  });

  test("three 403s in a row proxy-disable the account with reason forbidden", async () => {
    await using f = await startPoolFixture({ emails: [A] });
    for (let i = 0; i < 3; i++) {
      await f.pool.report("id-alice", { kind: "forbidden", message: "The caller does not have permission" });
      f.clock.advanceSeconds(600);
    }
    const stored = await f.store.get("id-alice");
    expect(stored).toMatchObject({
      proxyDisabled: true,
      disabled: false,
      proxyDisabledReason: "forbidden: The caller does not have permission",
    });
    expect(f.pool.summary()).toMatchObject({ proxyDisabled: 1 });
  });

  test("a success between 403s resets the streak", async () => {
    await using f = await startPoolFixture({ emails: [A] });
    await f.pool.report("id-alice", { kind: "forbidden", message: "no" });
    await f.pool.report("id-alice", { kind: "forbidden", message: "no" });
    await f.pool.report("id-alice", { kind: "success" });
    await f.pool.report("id-alice", { kind: "forbidden", message: "no" });
    expect((await f.store.get("id-alice"))?.proxyDisabled).toBe(false);
  });
});
