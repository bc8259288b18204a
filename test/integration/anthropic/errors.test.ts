/**
 * Each class of error as the Anthropic SDK reports it (SPEC §5.4, §6.1, §6.2): a wrong key (401),
 * a bad body (400), an unknown upstream model (404), a body over the limit (413), Google's quota
 * (429 with retry-after), no account to serve (529 overloaded_error), Google's failures (500).
 * The client's own mistakes never count against an account.
 */
import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { PROFILES, startAnthropicFixture } from "../../support/anthropic-sdk-fixture.ts";
import type { AppFixture } from "../../support/app-fixture.ts";

const A = "alice@example.com";
const B = "bob@example.com";
const KEY = "grantpool-client-key-0123456789";
const HI: Anthropic.MessageCreateParamsNonStreaming = {
  model: "claude-sonnet-4-6",
  max_tokens: 50,
  messages: [{ role: "user", content: "hi" }],
};

async function failure(call: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Anthropic.APIError))
    throw new Error(`expected an APIError, got ${String(outcome)}`);
  return outcome;
}

const poolState = (f: { app: AppFixture }): string => JSON.stringify(f.app.pool.summary());

describe("client errors", () => {
  test("a wrong key is a 401 authentication_error; the right one works as x-api-key and as a Bearer token", async () => {
    await using f = await startAnthropicFixture({
      emails: [A],
      authMode: "all_except_health",
      apiKeys: [KEY],
    });
    const wrong = await failure(f.client({ apiKey: "sk-ant-not-the-key" }).messages.create(HI));
    expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(wrong.type).toBe("authentication_error");
    const wrongBearer = await failure(f.client({ authToken: "sk-ant-not-the-key" }).models.list());
    expect(wrongBearer).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(f.app.google.calls.upstream).toBe(0);

    const byHeader = await f.client({ apiKey: KEY }).messages.create(HI);
    expect(byHeader.content as unknown[]).toEqual([{ type: "text", text: `answered by ${A}` }]);
    const byBearer = await f.client({ authToken: KEY }).messages.countTokens(HI);
    expect(byBearer.input_tokens).toBeGreaterThan(0);
    expect(f.received.at(-1)?.headers.get("authorization")).toBe(`Bearer ${KEY}`);
    expect(f.received.at(-1)?.headers.get("x-api-key")).toBeNull();
    for (const request of f.app.google.upstreamRequests) expect(JSON.stringify(request)).not.toContain(KEY);
  });

  test("a body the Messages API would refuse is a 400 naming the path, before any account is used", async () => {
    await using f = await startAnthropicFixture({ emails: [A] });
    const before = poolState(f);
    const client = f.client();
    const role = await failure(
      client.messages.create({
        ...HI,
        messages: [{ role: "robot" as "user", content: "hi" }],
      }),
    );
    expect(role).toBeInstanceOf(Anthropic.BadRequestError);
    expect(role.type).toBe("invalid_request_error");
    expect(role.apiMessage).toContain("messages[0].role");
    const tokens = await failure(client.messages.create({ ...HI, max_tokens: "many" as unknown as number }));
    expect(tokens).toBeInstanceOf(Anthropic.BadRequestError);
    expect(tokens.apiMessage).toContain("max_tokens");
    const streamed = await failure(client.messages.create({ ...HI, stream: true, messages: [] }));
    expect(streamed).toBeInstanceOf(Anthropic.BadRequestError);
    expect(streamed.apiMessage).toContain("messages");
    expect(f.app.google.calls.upstream).toBe(0);
    expect(f.app.google.calls.refresh).toBe(0);
    expect(poolState(f)).toBe(before);
  });

  test("a body over --max-body-bytes is a 413 request_too_large, and nothing goes upstream", async () => {
    await using f = await startAnthropicFixture({ emails: [A], maxBodyBytes: 4096 });
    const big = await failure(
      f.client().messages.create({ ...HI, messages: [{ role: "user", content: "x".repeat(10_000) }] }),
    );
    expect(big.status).toBe(413);
    // Anthropic documents this type for 413, though the SDK's ErrorType union leaves it out.
    expect(big.type as string).toBe("request_too_large");
    expect(f.app.google.calls.upstream).toBe(0);
    // Under the limit, the same client is served.
    expect((await f.client().messages.create(HI)).type).toBe("message");
  });
});

describe.each(PROFILES)("upstream errors on the %s profile", (profile) => {
  test("a model the upstream does not know is a 404 not_found_error, whole or streamed, and no account pays", async () => {
    await using f = await startAnthropicFixture({
      emails: [A, B],
      profile,
      modelMap: ["claude-*=gemini-9-ultra"],
    });
    f.app.google.failUpstream({ kind: "model_not_found" });
    const client = f.client();
    const whole = await failure(client.messages.create(HI));
    expect(whole).toBeInstanceOf(Anthropic.NotFoundError);
    expect(whole.type).toBe("not_found_error");
    if (profile === "gemini") expect(whole.apiMessage).toContain("models/gemini-9-ultra is not found");
    const streamed = await failure(client.messages.create({ ...HI, stream: true }));
    expect(streamed).toBeInstanceOf(Anthropic.NotFoundError);
    const summary = f.app.pool.summary();
    expect(summary.active).toBe(2);
    expect(summary.coolingDown).toBe(0);
  });

  test("Google's quota on every account tried is a 429 rate_limit_error with retry-after; then 529 overloaded_error", async () => {
    await using f = await startAnthropicFixture({ emails: [A, B], profile, maxAttempts: 2 });
    f.app.google.failUpstream({ kind: "resource_exhausted", retryDelaySeconds: 20 }, { times: 2 });
    const client = f.client();
    const limited = await failure(client.messages.create(HI));
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited.type).toBe("rate_limit_error");
    expect(limited.headers?.get("retry-after")).toBe("20");
    // Cooling down for this model (the Gemini API's quota names it) or for every model.
    expect(f.app.pool.summary("gemini-2.5-pro").coolingDown).toBe(2);

    const overloaded = await failure(client.messages.create({ ...HI, stream: true }));
    expect(overloaded.status).toBe(529);
    expect(overloaded).toBeInstanceOf(Anthropic.InternalServerError);
    expect(overloaded.type).toBe("overloaded_error");
    expect(overloaded.apiMessage).toStartWith("no_available_account:");
    expect(Number(overloaded.headers?.get("retry-after"))).toBeGreaterThanOrEqual(19);
    expect(Number(overloaded.headers?.get("retry-after"))).toBeLessThanOrEqual(20);

    // Once the cooldown is over, the pool serves again.
    f.app.clock.advance(21_000);
    expect((await client.messages.create(HI)).type).toBe("message");
  });

  test("with every account disabled, the reply is 529 overloaded_error saying so", async () => {
    await using f = await startAnthropicFixture({ emails: [A, B], profile });
    for (const token of f.app.secrets) f.app.google.revoke(token);
    const overloaded = await failure(f.client().messages.create(HI));
    expect(overloaded.status).toBe(529);
    expect(overloaded.type).toBe("overloaded_error");
    expect(overloaded.apiMessage).toStartWith("no_available_account:");
    expect(overloaded.apiMessage).toContain("2 disabled");
    expect(f.app.pool.summary().disabled).toBe(2);
    if (profile === "gemini") {
      // The model list comes through the pool too, and fails the same way.
      const list = await failure(f.client().models.list());
      expect(list.status).toBe(529);
      expect(list.type).toBe("overloaded_error");
      expect(list.apiMessage).toStartWith("no_available_account:");
    }
  });

  test("Google's internal error on the last account tried is a 500 api_error; its 503 a 529", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile, maxAttempts: 1 });
    f.app.google.failUpstream({ kind: "server_error", status: 500 }, { times: 1 });
    const internal = await failure(f.client().messages.create(HI));
    expect(internal).toBeInstanceOf(Anthropic.InternalServerError);
    expect(internal.status).toBe(500);
    expect(internal.type).toBe("api_error");
    expect(internal.apiMessage).toContain("An internal error has occurred");

    f.app.clock.advance(60_000);
    f.app.google.failUpstream({ kind: "server_error", status: 503 }, { times: 1 });
    const unavailable = await failure(f.client().messages.create(HI));
    expect(unavailable.status).toBe(529);
    expect(unavailable.type).toBe("overloaded_error");
  });
});
