import { describe, expect, test } from "bun:test";
import type { Account } from "../../../../src/accounts/account.ts";
import { markDisabled } from "../../../../src/accounts/account-transitions.ts";
import type { AccountChange, UpdateResult } from "../../../../src/stores/account-store.ts";
import { createPendingWrites, isUnreachable } from "../../../../src/stores/kubernetes/pending-writes.ts";
import { captureLog } from "../../../support/captured-log.ts";

const account: Account = {
  id: "ns/ada",
  email: "ada@example.com",
  token: { accessToken: "", refreshToken: "rt-1", expiryTimestamp: 0 },
  disabled: false,
  proxyDisabled: false,
  createdAt: 0,
};
const disable: AccountChange = (a) =>
  a.token.refreshToken === "rt-1" ? markDisabled(a, "invalid_grant: x", 1) : undefined;
const unreachable = new Error("ECONNREFUSED");

function harness(outcomes: (UpdateResult | Error)[]) {
  const timers: { fn: () => void; ms: number }[] = [];
  const delays: number[] = [];
  const writes: string[] = [];
  const settled: string[] = [];
  const pending = createPendingWrites({
    write: (id) => {
      writes.push(id);
      const next = outcomes.shift() ?? {
        status: "updated",
        account: markDisabled(account, "invalid_grant: x", 1),
      };
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
    stored: () => account,
    settled: (id) => settled.push(id),
    log: captureLog().logger,
    clock: {
      now: () => 0,
      setTimer: (fn, ms) => {
        timers.push({ fn, ms });
        delays.push(ms);
        return () => {};
      },
    },
  });
  const fire = async () => {
    const timer = timers.shift();
    timer?.fn();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { pending, timers, delays, writes, settled, fire };
}

describe("disables held while the API server is unreachable", () => {
  test("tells unreachable errors (no status, 429, 5xx) from refusals", () => {
    expect(isUnreachable(unreachable)).toBe(true);
    expect(isUnreachable({ code: 503 })).toBe(true);
    expect(isUnreachable({ code: 429 })).toBe(true);
    expect(isUnreachable({ code: 403 })).toBe(false);
    expect(isUnreachable({ code: 409 })).toBe(false);
  });

  test("holds a disable, reports the account disabled meanwhile, and retries with growing delays until it lands", async () => {
    const h = harness([unreachable, unreachable]);
    expect(h.pending.hold(account.id, disable, unreachable)).toBe(true);
    expect(h.pending.apply(account.id, account).disabled).toBe(true);
    await h.fire();
    await h.fire();
    await h.fire();
    expect(h.writes).toHaveLength(3);
    expect(h.delays).toEqual([250, 500, 1000]);
    expect(h.timers).toHaveLength(0);
    expect(h.settled).toContain(account.id);
    expect(h.pending.apply(account.id, account).disabled).toBe(false);
  });

  test("does not hold a change that is not a disable, nor one refused by the server", () => {
    const h = harness([]);
    const rename: AccountChange = (a) => ({ ...a, proxyDisabled: true });
    expect(h.pending.hold(account.id, rename, unreachable)).toBe(false);
    expect(h.pending.hold(account.id, disable, { code: 403 })).toBe(false);
    expect(h.timers).toHaveLength(0);
  });
});
