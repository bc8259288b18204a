/**
 * Sticky sessions for OpenAI clients (SPEC §5.2): a conversation's `prompt_cache_key` (Codex sends
 * its conversation id there) keeps every request of it on one account under the sticky strategy,
 * whatever the messages say; an `x-grantpool-session` header wins over it.
 */
import { expect, test } from "bun:test";
import { createStickyStrategy } from "../../../src/pool/strategies/sticky.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { startOpenAiFixture } from "../../support/openai-sdk-fixture.ts";

const EMAILS = ["a@example.com", "b@example.com", "c@example.com"];

test("one prompt_cache_key keeps one account on both OpenAI routes; other keys spread", async () => {
  await using f = await startOpenAiFixture({
    emails: EMAILS,
    strategy: createStickyStrategy({ clock: new FakeClock(), idleMs: 3_600_000 }),
  });
  const client = f.client();
  const texts = Array.from({ length: 6 }, (_, i) => `question number ${i}`);
  const oneKey = new Set<string | null>();
  for (const text of texts) {
    const chat = await client.chat.completions
      .create({ model: "gpt-4.1", prompt_cache_key: "conv-1", messages: [{ role: "user", content: text }] })
      .withResponse();
    oneKey.add(chat.response.headers.get("x-grantpool-account"));
    const responses = await client.responses
      .create({ model: "gpt-5", prompt_cache_key: "conv-1", input: text })
      .withResponse();
    oneKey.add(responses.response.headers.get("x-grantpool-account"));
  }
  expect(oneKey.size).toBe(1);

  const keys = new Set<string | null>();
  for (let i = 0; i < 8; i++) {
    const reply = await client.responses
      .create({ model: "gpt-5", prompt_cache_key: `conv-${i}`, input: "same question" })
      .withResponse();
    keys.add(reply.response.headers.get("x-grantpool-account"));
  }
  expect(keys.size).toBeGreaterThan(1);
});
