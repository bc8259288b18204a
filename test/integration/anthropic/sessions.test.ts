/**
 * Sticky sessions for Claude Code (SPEC §5.2): it names its session in the
 * `x-claude-code-session-id` header of every request, and under the sticky strategy every
 * request of one session goes to one account, whatever the messages say.
 */
import { describe, expect, test } from "bun:test";
import { createStickyStrategy } from "../../../src/pool/strategies/sticky.ts";
import { PROFILES, startAnthropicFixture } from "../../support/anthropic-sdk-fixture.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const EMAILS = ["a@example.com", "b@example.com", "c@example.com"];
const SESSION = "x-claude-code-session-id";

describe.each(PROFILES)("sticky sessions on the %s profile", (profile) => {
  test("requests with one x-claude-code-session-id go to one account; other sessions spread", async () => {
    await using f = await startAnthropicFixture({
      emails: EMAILS,
      profile,
      strategy: createStickyStrategy({ clock: new FakeClock(), idleMs: 3_600_000 }),
    });
    const accountFor = async (session: string | undefined, text: string) => {
      const client = f.client(session === undefined ? {} : { defaultHeaders: { [SESSION]: session } });
      const { response } = await client.messages
        .create({ model: "claude-haiku-4-5", max_tokens: 20, messages: [{ role: "user", content: text }] })
        .withResponse();
      return response.headers.get("x-grantpool-account");
    };
    const texts = Array.from({ length: 8 }, (_, i) => `question number ${i}`);

    const oneSession = new Set<string | null>();
    for (const text of texts) oneSession.add(await accountFor("session-1", text));
    expect(oneSession.size).toBe(1);
    expect([...oneSession][0]).toMatch(/^id-/);

    // Without the header, each first message is a session of its own.
    const unbound = new Set<string | null>();
    for (const text of texts) unbound.add(await accountFor(undefined, text));
    expect(unbound.size).toBeGreaterThan(1);

    const sessions = new Set<string | null>();
    for (let i = 0; i < 8; i++) sessions.add(await accountFor(`session-${i}`, "same question"));
    expect(sessions.size).toBeGreaterThan(1);
  });
});
