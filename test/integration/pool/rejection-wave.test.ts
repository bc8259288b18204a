/**
 * Upstream 401s arrive in waves: every request in flight with a dead access token is rejected.
 * A wave costs one token-endpoint call per account — also for the 401s that arrive after the
 * refresh has ended — and a disabled account is never refreshed again (SPEC §5.3, §5.4).
 */
import { describe, expect, test } from "bun:test";
import type { FetchLike } from "../../../src/oauth/google-oauth-client.ts";
import { createFixedStrategy } from "../../../src/pool/strategies/fixed.ts";
import { startForwardFixture } from "../../support/forward-fixture.ts";
import { waitFor } from "../../support/wait-for.ts";

const A = "alice@example.com";
const B = "bob@example.com";
const WAVE = 100;

/** Upstream 401 replies to calls carrying `token` are held until released, one or all. */
function holdingRejections(): {
  fetch: FetchLike;
  hold(token: string): void;
  held(): number;
  release(n?: number): void;
} {
  let heldToken: string | undefined;
  const waiting: (() => void)[] = [];
  return {
    fetch: async (input, init) => {
      const reply = await fetch(input, init);
      const auth = new Headers(init?.headers).get("authorization");
      if (reply.status === 401 && heldToken !== undefined && auth === `Bearer ${heldToken}`) {
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      return reply;
    },
    hold: (token) => {
      heldToken = token;
    },
    held: () => waiting.length,
    release: (n = waiting.length) => {
      for (const resolve of waiting.splice(0, n)) resolve();
    },
  };
}

/** Alice preferred, Bob the fallback; Alice holds an access token that Google no longer accepts. */
async function waveFixture() {
  const gate = holdingRejections();
  const f = await startForwardFixture({
    emails: [A, B],
    strategy: createFixedStrategy(() => "id-alice"),
    upstreamFetch: gate.fetch,
  });
  expect((await f.forward()).headers.get("x-grantpool-account")).toBe("id-alice");
  const dead = f.pool.view().find((v) => v.account.id === "id-alice")?.account.token.accessToken ?? "";
  f.google.expireAccessTokens();
  gate.hold(dead);
  const refreshToken = f.account(A).token.refreshToken;
  const refreshesBefore = f.google.refreshCallsFor(refreshToken);
  return {
    [Symbol.asyncDispose]: () => f[Symbol.asyncDispose](),
    f,
    gate,
    dead,
    refreshToken,
    aliceRefreshes: () => f.google.refreshCallsFor(refreshToken) - refreshesBefore,
    /** Sends the wave, lets the first 401 through alone, then the rest once its request is answered. */
    async sendWave(): Promise<Response[]> {
      const replies = Array.from({ length: WAVE }, () => f.forward());
      await waitFor(() => gate.held() === WAVE, { message: () => `${gate.held()} of ${WAVE} 401s held` });
      gate.release(1);
      await Promise.race(replies);
      gate.release();
      return Promise.all(replies);
    },
  };
}

const servedBy = (replies: Response[]) =>
  replies.map((r) => `${r.status} ${r.headers.get("x-grantpool-account")}`);

describe("a wave of upstream 401s", () => {
  test("refreshes the account once, also for the 401s that arrive after the refresh ended", async () => {
    await using w = await waveFixture();
    const replies = await w.sendWave();
    expect(servedBy(replies)).toEqual(Array(WAVE).fill("200 id-alice"));
    expect(w.aliceRefreshes()).toBe(1);
  });

  test("after invalid_grant the account is disabled once and never refreshed again", async () => {
    await using w = await waveFixture();
    w.f.google.revoke(w.refreshToken);
    const replies = await w.sendWave();
    expect(servedBy(replies)).toEqual(Array(WAVE).fill("200 id-bob"));
    expect(w.aliceRefreshes()).toBe(1);
    expect(w.f.log.messages("error").filter((m) => m.includes(A))).toHaveLength(1);
    // Not by a stale lease, not by a later acquire, not by a late rejection.
    expect((await w.f.pool.refreshAfterRejection("id-alice", w.dead)).ok).toBe(false);
    w.f.clock.advanceSeconds(7200);
    for (let i = 0; i < 3; i++)
      expect((await w.f.forward()).headers.get("x-grantpool-account")).toBe("id-bob");
    expect(w.aliceRefreshes()).toBe(1);
    expect((await w.f.store.get("id-alice"))?.disabled).toBe(true);
  });

  test("a failed refresh is not retried by the rest of its wave; after the cooldown the account gets a new token", async () => {
    await using w = await waveFixture();
    w.f.google.failTokenEndpoint("server_error", 1);
    const replies = await w.sendWave();
    expect(servedBy(replies)).toEqual(Array(WAVE).fill("200 id-bob"));
    expect(w.aliceRefreshes()).toBe(1);
    expect(w.f.pool.view().find((v) => v.account.id === "id-alice")?.state).toBe("cooldown");
    w.f.clock.advanceSeconds(10);
    const upstreamBefore = w.f.google.calls.upstream;
    const reply = await w.f.forward();
    expect(reply.headers.get("x-grantpool-account")).toBe("id-alice");
    expect(w.aliceRefreshes()).toBe(2);
    // The dead token was not tried again before the refresh.
    expect(w.f.google.calls.upstream - upstreamBefore).toBe(1);
  });

  test("a later wave, with the token that replaced the dead one, gets its own single refresh", async () => {
    await using w = await waveFixture();
    await w.sendWave();
    const second = w.f.pool.view().find((v) => v.account.id === "id-alice")?.account.token.accessToken ?? "";
    expect(second).not.toBe(w.dead);
    w.f.google.expireAccessTokens();
    w.gate.hold(second);
    const replies = await w.sendWave();
    expect(servedBy(replies)).toEqual(Array(WAVE).fill("200 id-alice"));
    expect(w.aliceRefreshes()).toBe(2);
  });
});
