/**
 * Quota awareness through the proxy (code-assist profile, the emulator as Cloud Code): the quota
 * fetched per account, protection that skips an account for one model group only and brings it
 * back, fetches after a 429 that names a model, and what a failed fetch does (nothing).
 */
import { describe, expect, test } from "bun:test";
import { DEFAULT_PROTECTED_GROUPS } from "../../../src/accounts/quota.ts";
import { type AppFixture, startAppFixture } from "../../support/app-fixture.ts";
import { waitFor } from "../../support/wait-for.ts";

const A = "alice@example.com";
const B = "bob@example.com";
const C = "carol@example.com";
const ADMIN_KEY = "quota-admin-key";
const POLICY = { thresholdPercent: 10, groups: [...DEFAULT_PROTECTED_GROUPS] };
const CLAUDE_MODELS = ["claude-sonnet-4-5", "claude-sonnet-4-5-thinking", "claude-opus-4-5-thinking"];

function start(
  options: {
    policy?: boolean;
    profile?: "gemini" | "code-assist";
    preference?: boolean;
    emails?: string[];
  } = {},
): Promise<AppFixture> {
  return startAppFixture({
    emails: options.emails ?? [A, B],
    ...(options.preference === undefined ? {} : { quotaPreference: options.preference }),
    profile: options.profile ?? "code-assist",
    adminKey: ADMIN_KEY,
    // Cloud Code serves Claude itself: keep the names (the built-in map sends them to Gemini).
    modelMap: ["claude-*=*"],
    ...(options.policy === false ? {} : { quotaPolicy: POLICY }),
  });
}

async function fetchQuota(
  f: AppFixture,
  id: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const reply = await f.handle(
    new Request(`http://localhost/admin/accounts/${id}/quota`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    }),
  );
  return { status: reply.status, body: (await reply.json()) as Record<string, unknown> };
}

/** Who answered `calls` requests for `model` (the emulator's reply names the account). */
async function answeredBy(f: AppFixture, model: string, calls = 4): Promise<Set<string>> {
  const who = new Set<string>();
  for (let i = 0; i < calls; i++) {
    const reply = await f.gemini(`${model}:generateContent`);
    expect(reply.status).toBe(200);
    const text = JSON.stringify(await reply.json());
    for (const email of [A, B, C]) if (text.includes(`answered by ${email}`)) who.add(email);
  }
  return who;
}

function lowerClaude(f: AppFixture, email: string, fraction: number, resetTime?: Date): void {
  for (const model of CLAUDE_MODELS)
    f.google.setQuota(
      email,
      model,
      resetTime === undefined ? { remainingFraction: fraction } : { remainingFraction: fraction, resetTime },
    );
}

describe("quota protection through the proxy", () => {
  test("an account low on Claude quota serves no Claude request but still serves Gemini, and comes back with its quota", async () => {
    await using f = await start();
    lowerClaude(f, A, 0.05);
    const fetched = await fetchQuota(f, "id-alice");
    expect(fetched.status).toBe(200);
    const account = fetched.body.account as Record<string, unknown>;
    expect(account.quota).toMatchObject({
      isForbidden: false,
      lowestPercentage: 5,
      models: expect.arrayContaining([expect.objectContaining({ name: "claude-sonnet-4-5", percentage: 5 })]),
    });
    expect(account.quotaProtections).toEqual([{ group: "claude", until: expect.any(String) }]);
    expect((await f.store.get("id-alice"))?.protectedModels).toEqual(["claude"]);

    expect(await answeredBy(f, "claude-sonnet-4-5")).toEqual(new Set([B]));
    expect(await answeredBy(f, "gemini-3-flash")).toEqual(new Set([A, B]));
    const protectedLines = f.log.messages("info").filter((line) => line.includes("protected for claude"));
    expect(protectedLines).toHaveLength(1);
    expect(protectedLines[0]).toStartWith("Account alice@example.com protected for claude");

    f.google.resetQuota(A);
    const restored = await fetchQuota(f, "id-alice");
    expect((restored.body.account as Record<string, unknown>).quotaProtections).toEqual([]);
    expect(await answeredBy(f, "claude-sonnet-4-5")).toEqual(new Set([A, B]));
    expect(f.log.messages("info").filter((line) => line.includes("serves claude again"))).toHaveLength(1);
    expect((await f.store.get("id-alice"))?.protectedModels).toEqual([]);
  });

  test("protection ends at the quota's reset time, without another fetch", async () => {
    await using f = await start();
    lowerClaude(f, A, 0, new Date(f.clock.now() + 60_000));
    await fetchQuota(f, "id-alice");
    expect(await answeredBy(f, "claude-opus-4-5-thinking")).toEqual(new Set([B]));
    f.clock.advance(61_000);
    expect(await answeredBy(f, "claude-opus-4-5-thinking")).toEqual(new Set([A, B]));
  });

  test("with protection off, the quota is fetched and shown but nobody is skipped", async () => {
    await using f = await start({ policy: false });
    lowerClaude(f, A, 0.01);
    const fetched = await fetchQuota(f, "id-alice");
    expect((fetched.body.account as Record<string, unknown>).quotaProtections).toEqual([]);
    expect(await answeredBy(f, "claude-sonnet-4-5")).toEqual(new Set([A, B]));
  });

  test("a failed fetch changes nothing, answers 502 and is logged once an hour", async () => {
    await using f = await start();
    lowerClaude(f, A, 0.05);
    await fetchQuota(f, "id-alice");
    const before = await f.store.get("id-alice");
    f.google.failUpstream({ kind: "server_error", status: 503 }, { forAccessTokenOf: A });
    for (let i = 0; i < 2; i++) {
      const failed = await fetchQuota(f, "id-alice");
      expect(failed.status).toBe(502);
      expect(JSON.stringify(failed.body)).toContain("Google answered HTTP 503");
    }
    expect(await f.store.get("id-alice")).toEqual(before);
    const warnings = () => f.log.messages("warn").filter((line) => line.startsWith("Quota fetch failed"));
    expect(warnings()).toHaveLength(1);
    f.clock.advance(60 * 60 * 1000);
    await fetchQuota(f, "id-alice");
    expect(warnings()).toHaveLength(2);
  });

  test("Google refusing the quota call (403) marks the quota forbidden and keeps the models", async () => {
    await using f = await start();
    await fetchQuota(f, "id-alice");
    f.google.failUpstream({ kind: "permission_denied" }, { forAccessTokenOf: A, times: 1 });
    const refused = await fetchQuota(f, "id-alice");
    expect(refused.status).toBe(200);
    const quota = (refused.body.account as Record<string, { isForbidden: boolean; models: unknown[] }>).quota;
    expect(quota?.isForbidden).toBe(true);
    expect(quota?.models.length).toBeGreaterThan(0);
  });

  test("a 429 naming a model makes the proxy fetch that account's quota", async () => {
    await using f = await start();
    expect(f.google.quotaCallsFor(A)).toBe(0);
    f.google.failUpstream(
      { kind: "resource_exhausted", quotaResetDelay: "1h", reason: "QUOTA_EXHAUSTED" },
      { forAccessTokenOf: A, times: 1 },
    );
    await answeredBy(f, "claude-sonnet-4-5", 2);
    await waitFor(() => f.google.quotaCallsFor(A) === 1, { message: "a quota fetch for alice" });
    expect(f.google.quotaCallsFor(B)).toBe(0);
  });

  test("the Gemini API profile has no quota endpoint: 409 saying so", async () => {
    await using f = await start({ profile: "gemini" });
    const refused = await fetchQuota(f, "id-alice");
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain("tells quota only in its 429 replies");
  });

  test("with quota preference, a group's requests go to the accounts with the most of its quota left", async () => {
    await using f = await start({ preference: true, emails: [A, B, C] });
    lowerClaude(f, A, 0.3);
    lowerClaude(f, B, 0.82);
    lowerClaude(f, C, 0.87);
    for (const id of ["id-alice", "id-bob", "id-carol"]) expect((await fetchQuota(f, id)).status).toBe(200);
    expect(await answeredBy(f, "claude-sonnet-4-5", 6)).toEqual(new Set([B, C]));
    expect(await answeredBy(f, "gemini-3-flash", 6)).toEqual(new Set([A, B, C]));
    lowerClaude(f, C, 0.1);
    await fetchQuota(f, "id-carol");
    expect(await answeredBy(f, "claude-sonnet-4-5", 4)).toEqual(new Set([B]));
  });

  test("an unknown account is a 404", async () => {
    await using f = await start();
    expect((await fetchQuota(f, "id-nobody")).status).toBe(404);
  });
});
