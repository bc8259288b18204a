/**
 * Hostile bodies on the OpenAI routes: generated near-valid requests — the right shapes with wrong
 * values mixed in — never get a 5xx; a refusal is a 400 in OpenAI's shape naming a JSON path and
 * never echoing a value; and whatever the client sends, no account's state changes.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { type AppFixture, startAppFixture } from "../../support/app-fixture.ts";
import { chatBody, responsesBody, SECRET } from "../../support/openai-arbitraries.ts";

const EMAILS = ["a@example.com", "b@example.com"];
function post(f: AppFixture, path: string, body: unknown): Promise<Response> {
  return f.handle(
    new Request(`http://localhost${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

async function checkReply(reply: Response): Promise<void> {
  expect(reply.status).toBeLessThan(500);
  const text = await reply.text();
  if (reply.status !== 400) return;
  const error = (JSON.parse(text) as { error: { message: string; type: string } }).error;
  expect(error.type).toBe("invalid_request_error");
  expect(error.message).toMatch(/^[A-Za-z_][\w.[\]]*: |^request body/);
  expect(error.message).not.toContain(SECRET);
}

describe("hostile bodies on the OpenAI routes", () => {
  test("generated chat completion bodies never get a 5xx, refusals name a path, and no account is touched", async () => {
    await using f = await startAppFixture({ emails: EMAILS });
    const before = JSON.stringify(f.pool.summary());
    await fc.assert(
      fc.asyncProperty(chatBody, async (body) => {
        await checkReply(await post(f, "/v1/chat/completions", body));
      }),
      { numRuns: 150 },
    );
    expect(JSON.stringify(f.pool.summary())).toBe(before);
  }, 60_000);

  test("generated Responses API bodies never get a 5xx, refusals name a path, and no account is touched", async () => {
    await using f = await startAppFixture({ emails: EMAILS });
    const before = JSON.stringify(f.pool.summary());
    await fc.assert(
      fc.asyncProperty(responsesBody, async (body) => {
        await checkReply(await post(f, "/v1/responses", body));
      }),
      { numRuns: 150 },
    );
    expect(JSON.stringify(f.pool.summary())).toBe(before);
  }, 60_000);
});
