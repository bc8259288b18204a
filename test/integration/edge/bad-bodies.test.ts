/**
 * Bad request bodies (issue 10, item 3): generated garbage, JSON that is not an object, bodies
 * nested deeper than the limit, invalid UTF-8, oversized bodies — each gets a 4xx in Gemini's
 * format before any account is chosen, and no account's state changes. Well-formed objects of any
 * content are the client's business: they are forwarded, and whatever Google answers never counts
 * against an account.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { createStickyStrategy } from "../../../src/pool/strategies/sticky.ts";
import { MAX_JSON_NESTING } from "../../../src/proxy/json-object-scan.ts";
import { type AppFixture, startAppFixture } from "../../support/app-fixture.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const EMAILS = ["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"];
const MAX_BODY = 64 * 1024;

function post(f: AppFixture, body: Uint8Array | string, model = "gemini-2.5-flash"): Promise<Response> {
  return f.handle(
    new Request(`http://localhost/v1beta/models/${model}:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    }),
  );
}

function poolState(f: AppFixture): string {
  return JSON.stringify(f.pool.summary());
}

const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
const nestedArrays = (depth: number): string => `{"a":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;

/** Bodies our edge refuses on its own: never JSON objects within the limits. */
const refusedBody = fc.oneof(
  fc.string().filter((text) => !/^\s*\{/.test(text)),
  fc
    .uint8Array({ minLength: 1, maxLength: 512 })
    .filter((bytes) => !/^\s*\{/.test(new TextDecoder().decode(bytes))),
  fc
    .jsonValue()
    .filter((value) => value === null || typeof value !== "object" || Array.isArray(value))
    .map((value) => JSON.stringify(value)),
  fc.integer({ min: MAX_JSON_NESTING + 1, max: 20_000 }).map(nested),
  fc.integer({ min: MAX_JSON_NESTING + 1, max: 20_000 }).map(nestedArrays),
  fc.json().map((text) => `{"x":${text}`), // truncated
  fc.constant(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d])), // {"a":"<overlong>"}
  fc.constant(`{"x":"${"y".repeat(MAX_BODY)}"}`),
);

describe("bad request bodies", () => {
  test("generated bodies the edge refuses all get a 4xx and take no account out", async () => {
    await using f = await startAppFixture({ emails: EMAILS, maxBodyBytes: MAX_BODY });
    const before = poolState(f);
    await fc.assert(
      fc.asyncProperty(refusedBody, async (body) => {
        const reply = await post(f, body);
        expect(reply.status).toBeGreaterThanOrEqual(400);
        expect(reply.status).toBeLessThan(500);
        expect(((await reply.json()) as { error: { code: number } }).error.code).toBe(reply.status);
      }),
      { numRuns: 300 },
    );
    expect(f.google.calls.upstream).toBe(0);
    expect(f.google.calls.refresh).toBe(0);
    expect(poolState(f)).toBe(before);
  });

  test("a field nested 50,000 deep is refused at once with a message naming the limit", async () => {
    await using f = await startAppFixture({ emails: EMAILS, maxBodyBytes: 1_000_000 });
    const before = poolState(f);
    for (let i = 0; i < 3; i++) {
      const reply = await post(f, nested(50_000));
      expect(reply.status).toBe(400);
      const { error } = (await reply.json()) as { error: { message: string } };
      expect(error.message).toContain(`deeper than ${MAX_JSON_NESTING} levels`);
    }
    expect(f.google.calls.refresh).toBe(0);
    expect(poolState(f)).toBe(before);
  });

  test("nesting up to the limit is accepted, and brackets inside strings do not count", async () => {
    await using f = await startAppFixture({ emails: EMAILS });
    const deepest = `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"x":${nested(MAX_JSON_NESTING - 1)}}`;
    expect((await post(f, deepest)).status).toBe(200);
    const bracketsInText = JSON.stringify({
      contents: [{ role: "user", parts: [{ text: `${"[{".repeat(5_000)} \\" ${"}]".repeat(5_000)}` }] }],
    });
    expect((await post(f, bracketsInText)).status).toBe(200);
  });

  test("any well-formed object is forwarded, and Google's answer never counts against an account", async () => {
    await using f = await startAppFixture({ emails: EMAILS });
    const before = poolState(f);
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 6 })), async (object) => {
        const reply = await post(f, JSON.stringify(object));
        expect(reply.status).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
    expect(poolState(f)).toBe(before);
  });

  test("an object-shaped body that is not JSON passes through unparsed: Google's 400 reaches the client, no account is blamed", async () => {
    await using f = await startAppFixture({ emails: EMAILS });
    const before = poolState(f);
    const reply = await post(f, '{contents: "not quoted"}');
    expect(reply.status).toBe(400);
    expect(((await reply.json()) as { error: { message: string } }).error.message).toContain(
      "Invalid JSON payload received",
    );
    expect(f.google.upstreamRequests.at(-1)?.text).toBe('{contents: "not quoted"}');
    expect(poolState(f)).toBe(before);
  });

  test("a sticky pool, which parses every body, refuses what the edge refuses, deep bodies before parsing", async () => {
    await using f = await startAppFixture({
      emails: EMAILS,
      maxBodyBytes: MAX_BODY,
      strategy: createStickyStrategy({ clock: new FakeClock(), idleMs: 3_600_000 }),
    });
    await fc.assert(
      fc.asyncProperty(refusedBody, async (body) => {
        const reply = await post(f, body);
        expect(reply.status).toBeGreaterThanOrEqual(400);
        expect(reply.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
    const deep = await post(f, nested(10_000));
    expect(((await deep.json()) as { error: { message: string } }).error.message).toBe(
      `request body nests objects and arrays deeper than ${MAX_JSON_NESTING} levels`,
    );
    expect(f.google.calls.upstream).toBe(0);
  });

  test("a sticky pool reads the body for its session key, so it refuses the same body itself", async () => {
    await using f = await startAppFixture({
      emails: EMAILS,
      strategy: createStickyStrategy({ clock: new FakeClock(), idleMs: 3_600_000 }),
    });
    const reply = await post(f, '{contents: "not quoted"}');
    expect(reply.status).toBe(400);
    expect(((await reply.json()) as { error: { message: string } }).error.message).toBe(
      "request body is not valid JSON (SyntaxError)",
    );
    expect(f.google.calls.upstream).toBe(0);
  });
});
