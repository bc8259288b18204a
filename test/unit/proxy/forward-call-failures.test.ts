/**
 * Who a failure is blamed on (SPEC §5.4, §10): only the upstream's silence — a network call that got
 * no reply — counts against an account. A body the client sent that cannot be serialized is the
 * client's (400); anything else that breaks while preparing the call is grantpool's own (500).
 * Neither touches any account's health.
 */
import { describe, expect, test } from "bun:test";
import type { Protocol } from "../../../src/proxy/protocol-errors.ts";
import { createGeminiProfile } from "../../../src/proxy/upstream/gemini-profile.ts";
import type { UpstreamProfile } from "../../../src/proxy/upstream/upstream-profile.ts";
import { type ForwardFixture, startForwardFixture } from "../../support/forward-fixture.ts";
import { findSecretsIn } from "../../support/pool-fixture.ts";

const EMAILS = ["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"];

/** A profile that throws while preparing, as a bug of ours would. */
function throwingProfile(upstreamUrl: string, how: "throws" | "rejects"): UpstreamProfile {
  const real = createGeminiProfile(upstreamUrl);
  return {
    ...real,
    prepare: (call, lease, signal) => {
      if (how === "throws") throw new RangeError(`bug while preparing for ${lease.accessToken}`);
      return Promise.resolve(real.prepare(call, lease, signal)).then(() =>
        Promise.reject(new TypeError("bug after prepare")),
      );
    },
  };
}

/** `{a: {a: … }}` nested `depth` deep: more than JSON.stringify can take. */
function nested(depth: number): Record<string, unknown> {
  let node: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) node = { a: node };
  return node;
}

function expectEveryAccountHealthy(f: ForwardFixture): void {
  const now = f.clock.now();
  for (const view of f.pool.view()) {
    expect({ id: view.account.id, state: view.state }).toEqual({ id: view.account.id, state: "active" });
    expect(view.health.blockAt(now)).toBeUndefined();
  }
}

async function secretsOf(f: ForwardFixture): Promise<string[]> {
  const stored = await f.store.list();
  return [...f.secrets, ...stored.flatMap((a) => [a.token.refreshToken, a.token.accessToken])];
}

const SHAPES: Record<Protocol, (body: unknown) => unknown> = {
  gemini: (body) => (body as { error: { status: string } }).error.status,
  openai: (body) => (body as { error: { code: string } }).error.code,
  anthropic: (body) => (body as { error: { type: string } }).error.type,
};

describe("a failure preparing the upstream call", () => {
  for (const how of ["throws", "rejects"] as const) {
    test(`a profile that ${how} answers 500 and leaves every account healthy`, async () => {
      await using f = await startForwardFixture({
        emails: EMAILS,
        maxAttempts: 3,
        profile: (url) => throwingProfile(url, how),
      });
      const expected: Record<Protocol, string> = {
        gemini: "INTERNAL",
        openai: "internal_error",
        anthropic: "api_error",
      };
      for (const protocol of ["gemini", "openai", "anthropic"] as const) {
        const reply = await f.forward({ protocol });
        expect(reply.status).toBe(500);
        expect(SHAPES[protocol](await reply.json())).toBe(expected[protocol]);
      }
      expectEveryAccountHealthy(f);
      expect(f.google.calls.upstream).toBe(0);
      const logged = f.log.messages("error");
      expect(logged).toHaveLength(3);
      expect(logged[0]).toStartWith("Cannot prepare the upstream request (generateContent): ");
      expect(findSecretsIn(f.log.lines, await secretsOf(f))).toEqual([]);
    });
  }

  for (const profile of ["gemini", "code-assist"] as const) {
    test(`a client body too deep to serialize answers 400 (${profile}) and blames no account`, async () => {
      await using f = await startForwardFixture({ emails: EMAILS, maxAttempts: 3, profile });
      const body = { contents: [{ role: "user", parts: [{ text: "hi" }] }], extra: nested(50_000) };
      // One request: a stack overflow takes Bun most of a second.
      const reply = await f.forward({ call: { body } });
      expect(reply.status).toBe(400);
      const error = ((await reply.json()) as { error: { status: string; message: string } }).error;
      expect(error.status).toBe("INVALID_ARGUMENT");
      expect(error.message).toStartWith("The request body cannot be sent upstream: RangeError");
      expectEveryAccountHealthy(f);
      expect(f.log.messages("warn")).toHaveLength(1);
      expect((await f.forward()).status).toBe(200);
    });
  }

  test("a failure of the network call itself still cools the account down", async () => {
    const refused = Object.assign(new TypeError("ECONNREFUSED: Unable to connect."), {
      code: "ECONNREFUSED",
    });
    let calls = 0;
    await using f = await startForwardFixture({
      emails: ["a@example.com", "b@example.com"],
      upstreamFetch: (input, init) => (calls++ === 0 ? Promise.reject(refused) : fetch(input, init)),
    });
    const reply = await f.forward();
    expect(reply.status).toBe(200);
    expect(reply.headers.get("x-grantpool-account")).toBe("id-b");
    const a = f.pool.view().find((v) => v.account.id === "id-a");
    expect(a?.state).toBe("cooldown");
    expect(a?.health.blockAt(f.clock.now())?.detail).toContain("ECONNREFUSED");
  });

  test("a call the client aborted blames no account", async () => {
    const aborting = new AbortController();
    await using f = await startForwardFixture({
      emails: ["a@example.com", "b@example.com"],
      upstreamFetch: () => {
        aborting.abort();
        return Promise.reject(new DOMException("The operation was aborted.", "AbortError"));
      },
    });
    const reply = await f.forward({ signal: aborting.signal });
    expect(reply.status).toBe(499);
    expectEveryAccountHealthy(f);
  });
});
