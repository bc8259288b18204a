/**
 * A request's sticky-session key may be given as a way to compute it (hashing a first message):
 * forwardCall computes it only when the pool's strategy reads keys.
 */
import { describe, expect, test } from "bun:test";
import { createStickyStrategy } from "../../../src/pool/strategies/sticky.ts";
import { forwardCall } from "../../../src/proxy/forward-call.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { type ForwardFixture, startForwardFixture } from "../../support/forward-fixture.ts";

const EMAILS = ["a@example.com", "b@example.com", "c@example.com"];

function callWith(f: ForwardFixture, sessionKey: () => string | undefined): Promise<Response> {
  return forwardCall(f.deps, {
    call: {
      model: "gemini-2.5-flash",
      action: "generateContent",
      body: { contents: [{ role: "user", parts: [{ text: "hello" }] }] },
      query: new URLSearchParams(),
    },
    protocol: "gemini",
    signal: new AbortController().signal,
    sessionKey,
  });
}

describe("a session key given as a function", () => {
  test("is never computed for a strategy that does not read keys", async () => {
    await using f = await startForwardFixture({ emails: EMAILS });
    let computed = 0;
    const reply = await callWith(f, () => {
      computed += 1;
      return "s";
    });
    expect(reply.status).toBe(200);
    expect(computed).toBe(0);
  });

  test("is computed once per call for sticky, and keeps the session on one account", async () => {
    const strategy = createStickyStrategy({ clock: new FakeClock(), idleMs: 3_600_000 });
    await using f = await startForwardFixture({ emails: EMAILS, strategy });
    let computed = 0;
    const key = () => {
      computed += 1;
      return "one-conversation";
    };
    const accounts = new Set<string | null>();
    for (let i = 0; i < 4; i++) accounts.add((await callWith(f, key)).headers.get("x-grantpool-account"));
    expect(computed).toBe(4);
    expect(accounts.size).toBe(1);
  });
});
