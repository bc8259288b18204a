/**
 * A misconfigured OAuth client (SPEC §5.4): every account shares it, so the first invalid_client or
 * unauthorized_client answers the client 502 at once, whatever the other accounts' states, on the
 * acquire path and on the 401→refresh path alike; no account is disabled or cooled down.
 */
import { describe, expect, test } from "bun:test";
import { startForwardFixture } from "../../support/forward-fixture.ts";

const A = "alice@example.com";
const B = "bob@example.com";
const C = "carol@example.com";

interface GeminiError {
  error: { code: number; message: string; status: string };
}

/** Three accounts served once each (so each holds an access token); Carol then cools down on a 429. */
async function threeAccountsOneCooling(emails = [A, B, C]) {
  const f = await startForwardFixture({ emails, maxAttempts: 3 });
  for (const _ of emails) expect((await f.forward()).status).toBe(200);
  await f.pool.report("id-carol", { kind: "rate_limited", message: "quota", retryAfterMs: 60_000 });
  return f;
}

function expectPoolUntouched(f: Awaited<ReturnType<typeof threeAccountsOneCooling>>): void {
  const states = Object.fromEntries(f.pool.view().map((v) => [v.account.id, v.state]));
  expect(states).toEqual({ "id-alice": "active", "id-bob": "active", "id-carol": "cooldown" });
  expect(f.pool.summary()).toMatchObject({ disabled: 0, proxyDisabled: 0, coolingDown: 1 });
}

describe("a misconfigured OAuth client", () => {
  for (const fault of ["invalid_client", "unauthorized_client"] as const) {
    test(`${fault} on the refresh after a 401 answers 502 at once, trying no other account`, async () => {
      await using f = await threeAccountsOneCooling();
      f.google.expireAccessTokens();
      f.google.failTokenEndpoint(fault);
      const refreshes = f.google.calls.refresh;
      const upstream = f.google.calls.upstream;
      const reply = await f.forward();
      expect(reply.status).toBe(502);
      const body = (await reply.json()) as GeminiError;
      expect(body.error.message).toContain("OAuth client");
      expect(body.error.message).toContain(fault);
      expect(f.google.calls.refresh - refreshes).toBe(1);
      expect(f.google.calls.upstream - upstream).toBe(1);
      expectPoolUntouched(f);
      expect((await f.store.list()).some((a) => a.disabled || a.proxyDisabled)).toBe(false);
    });
  }

  test("invalid_client on the first refresh answers 502 at once while another account cools down", async () => {
    await using f = await threeAccountsOneCooling();
    f.clock.advanceSeconds(3600);
    await f.pool.report("id-carol", { kind: "rate_limited", message: "quota", retryAfterMs: 60_000 });
    f.google.failTokenEndpoint("invalid_client");
    const refreshes = f.google.calls.refresh;
    const reply = await f.forward({ protocol: "openai" });
    expect(reply.status).toBe(502);
    const body = (await reply.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe("oauth_client_error");
    expect(body.error.message).toContain("invalid_client");
    expect(f.google.calls.refresh - refreshes).toBe(1);
    expectPoolUntouched(f);
  });

  test("the rest of a 401 wave gets the same 502 without asking Google again", async () => {
    await using f = await threeAccountsOneCooling();
    f.google.expireAccessTokens();
    f.google.failTokenEndpoint("invalid_client");
    const refreshes = f.google.calls.refresh;
    const replies = await Promise.all(Array.from({ length: 20 }, () => f.forward()));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(502));
    // Alice and Bob each had one wave of rejections: at most one token call each.
    expect(f.google.calls.refresh - refreshes).toBeLessThanOrEqual(2);
    expectPoolUntouched(f);
  });

  test("the configuration error is logged once per minute, however many requests fail on it", async () => {
    await using f = await threeAccountsOneCooling();
    f.google.expireAccessTokens();
    f.google.failTokenEndpoint("invalid_client");
    for (let i = 0; i < 5; i++) expect((await f.forward()).status).toBe(502);
    const logged = () =>
      f.log.messages("error").filter((m) => m.startsWith("Google rejected grantpool's OAuth client"));
    expect(logged()).toHaveLength(1);
    f.clock.advanceSeconds(60);
    await f.forward();
    expect(logged()).toHaveLength(2);
  });
});
