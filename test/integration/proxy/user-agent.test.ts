/**
 * The client's `user-agent` reaches Google with grantpool's product token appended
 * (`<client UA> grantpool/<version>`; the app fixture's version is "test"), on the Gemini-native,
 * Anthropic and OpenAI routes and the model reads, on both profiles — never with the client's key.
 */
import { describe, expect, test } from "bun:test";
import { HELLO, startAppFixture } from "../../support/app-fixture.ts";

const A = "alice@example.com";
const KEY = "user-agent-client-key-0123456789";
const CLIENT_UA = "GeminiCLI/0.61.0 (linux; x64) google-genai-sdk/1.30.0 gl-node/v20.20.2";

function request(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> }) {
  return new Request(`http://localhost${path}`, {
    method: init.method ?? "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": KEY, ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

describe("the client's user agent upstream", () => {
  for (const profile of ["gemini", "code-assist"] as const) {
    test(`Gemini-native, Anthropic and OpenAI calls carry it with grantpool/<version> appended (${profile})`, async () => {
      await using f = await startAppFixture({
        emails: [A],
        profile,
        authMode: "all_except_health",
        apiKeys: [KEY],
      });
      const headers = { "user-agent": CLIENT_UA };
      const calls = [
        request("/v1beta/models/gemini-2.5-flash:generateContent", { body: HELLO, headers }),
        request("/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse", { body: HELLO, headers }),
        request("/v1/models/gemini-2.5-flash:countTokens", { body: HELLO, headers }),
        request("/v1/messages", {
          body: { model: "claude-haiku-4-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] },
          headers: { ...headers, "anthropic-version": "2023-06-01" },
        }),
        request("/v1/chat/completions", {
          body: { model: "gpt-5-mini", messages: [{ role: "user", content: "hi" }] },
          headers,
        }),
        request("/v1/responses", { body: { model: "gpt-5-mini", input: "hi", stream: true }, headers }),
      ];
      for (const call of calls) {
        const reply = await f.handle(call);
        expect(reply.status).toBe(200);
        await reply.arrayBuffer();
      }
      const sent = f.google.upstreamRequests.filter((r) =>
        /:(generateContent|streamGenerateContent|countTokens)$/.test(r.path),
      );
      expect(sent).toHaveLength(6);
      for (const upstream of sent) {
        expect(upstream.headers["user-agent"]).toBe(`${CLIENT_UA} grantpool/test`);
        expect(JSON.stringify(upstream)).not.toContain(KEY);
      }
    });
  }

  test("model reads carry it too, and a client without one is named by grantpool's token alone", async () => {
    await using f = await startAppFixture({ emails: [A] });
    await f.handle(request("/v1beta/models", { method: "GET", headers: { "user-agent": CLIENT_UA } }));
    await f.handle(
      request("/v1beta/models/gemini-2.5-pro", { method: "GET", headers: { "user-agent": "" } }),
    );
    expect(f.google.upstreamRequests.map((r) => r.headers["user-agent"])).toEqual([
      `${CLIENT_UA} grantpool/test`,
      "grantpool/test",
    ]);
  });
});
