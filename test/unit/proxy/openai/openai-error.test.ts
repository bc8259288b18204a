import { describe, expect, test } from "bun:test";
import { openAiErrorFromGoogle, openAiUpstreamError } from "../../../../src/proxy/openai/openai-error.ts";

const google = (code: number, status: string, message: string) =>
  JSON.stringify({ error: { code, message, status } });

describe("Google's errors in OpenAI's shape", () => {
  test.each([
    [400, "INVALID_ARGUMENT", 400, "invalid_request_error", null],
    [401, "UNAUTHENTICATED", 401, "authentication_error", "invalid_api_key"],
    [403, "PERMISSION_DENIED", 403, "permission_error", null],
    [404, "NOT_FOUND", 404, "invalid_request_error", "model_not_found"],
    [429, "RESOURCE_EXHAUSTED", 429, "rate_limit_error", "rate_limit_exceeded"],
    [500, "INTERNAL", 500, "server_error", null],
    [503, "UNAVAILABLE", 503, "server_error", null],
  ])("Google %i %s → %i %s", (status, name, expected, type, code) => {
    const mapped = openAiErrorFromGoogle(status, google(status, name, "what Google said"));
    expect(mapped.status).toBe(expected);
    expect(mapped.body).toEqual({
      error: { message: `what Google said (${name})`, type, param: null, code },
    });
  });

  test("Google's status name decides over the HTTP status (a stream's error event has none)", () => {
    expect(openAiErrorFromGoogle(500, google(500, "RESOURCE_EXHAUSTED", "quota")).status).toBe(429);
  });

  test("a body that is not Google's error is never quoted", () => {
    const mapped = openAiErrorFromGoogle(502, "<html>secret-token-xyz</html>");
    expect(mapped.status).toBe(502);
    expect(JSON.stringify(mapped.body)).not.toContain("secret-token-xyz");
    expect(mapped.body.error.message).toBe("the upstream answered with HTTP 502");
  });

  test("statuses OpenAI's SDKs cannot act on become 500", () => {
    expect(openAiErrorFromGoogle(200, "").status).toBe(500);
    expect(openAiErrorFromGoogle(499, google(499, "CANCELLED", "x")).status).toBe(500);
  });

  test("a wait the pool learned travels as retry-after in whole seconds", async () => {
    const reply = openAiUpstreamError({
      status: 429,
      body: google(429, "RESOURCE_EXHAUSTED", "slow down"),
      headers: new Headers(),
      retryAfterMs: 1_500,
    });
    expect(reply.status).toBe(429);
    expect(reply.headers.get("retry-after")).toBe("2");
    expect(((await reply.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error");
  });
});
