/**
 * Each class of error as the OpenAI SDK reports it (SPEC §5.4, §6.1, §6.2): a wrong key (401),
 * an unknown upstream model (404), Google's quota (429 with retry-after), no account to serve
 * (503 naming no_available_account), a body over the limit (413), and a stream that fails after
 * it began (an error event the SDK raises) — on Chat Completions, and on the Responses API. The client's own mistakes never count against an
 * account, and its key never goes upstream.
 */
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { PROFILES } from "../../support/anthropic-sdk-fixture.ts";
import { apiFailure, startOpenAiFixture } from "../../support/openai-sdk-fixture.ts";

const A = "alice@example.com";
const B = "bob@example.com";
const KEY = "grantpool-client-key-0123456789";
const HI: OpenAI.ChatCompletionCreateParamsNonStreaming = {
  model: "gpt-4.1",
  messages: [{ role: "user", content: "hi" }],
};

describe("client errors", () => {
  test("a wrong key is a 401 AuthenticationError; the right one is served and never sent upstream", async () => {
    await using f = await startOpenAiFixture({ emails: [A], authMode: "all_except_health", apiKeys: [KEY] });
    const wrong = await apiFailure(f.client({ apiKey: "sk-not-the-key" }).chat.completions.create(HI));
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(wrong.status).toBe(401);
    expect(f.app.google.calls.upstream).toBe(0);
    const served = await f.client({ apiKey: KEY }).chat.completions.create(HI);
    expect(served.choices[0]?.message.content).toBe(`answered by ${A}`);
    expect(f.received.at(-1)?.headers.get("authorization")).toBe(`Bearer ${KEY}`);
    for (const request of f.app.google.upstreamRequests) expect(JSON.stringify(request)).not.toContain(KEY);
  });

  test("a body over --max-body-bytes is a 413, and nothing goes upstream", async () => {
    await using f = await startOpenAiFixture({ emails: [A], maxBodyBytes: 4096 });
    const big = await apiFailure(
      f
        .client()
        .chat.completions.create({ ...HI, messages: [{ role: "user", content: "x".repeat(10_000) }] }),
    );
    expect(big.status).toBe(413);
    expect(f.app.google.calls.upstream).toBe(0);
  });
});

describe.each(PROFILES)("upstream errors on the %s profile", (profile) => {
  test("a model the upstream does not know is a 404 NotFoundError, whole or streamed, and no account pays", async () => {
    await using f = await startOpenAiFixture({ emails: [A, B], profile, modelMap: ["gpt-*=gemini-9-ultra"] });
    f.app.google.failUpstream({ kind: "model_not_found" });
    const whole = await apiFailure(f.client().chat.completions.create(HI));
    expect(whole).toBeInstanceOf(OpenAI.NotFoundError);
    expect(whole.code).toBe("model_not_found");
    const streamed = await apiFailure(f.client().chat.completions.create({ ...HI, stream: true }));
    expect(streamed).toBeInstanceOf(OpenAI.NotFoundError);
    expect(f.app.pool.summary().active).toBe(2);
    expect(f.app.pool.summary().coolingDown).toBe(0);
  });

  test("Google's quota on every account tried is a 429 RateLimitError with retry-after; then 503 no_available_account", async () => {
    await using f = await startOpenAiFixture({ emails: [A, B], profile, maxAttempts: 2 });
    f.app.google.failUpstream({ kind: "resource_exhausted", retryDelaySeconds: 20 }, { times: 2 });
    const limited = await apiFailure(f.client().chat.completions.create(HI));
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited.type).toBe("rate_limit_error");
    expect(limited.headers?.get("retry-after")).toBe("20");

    const none = await apiFailure(f.client().chat.completions.create({ ...HI, stream: true }));
    expect(none).toBeInstanceOf(OpenAI.InternalServerError);
    expect(none.status).toBe(503);
    expect(none.type).toBe("no_available_account");
    expect(none.message).toContain("no_available_account:");
    expect(Number(none.headers?.get("retry-after"))).toBeGreaterThanOrEqual(19);

    f.app.clock.advance(21_000);
    expect((await f.client().chat.completions.create(HI)).object).toBe("chat.completion");
  });

  test("the Responses API reports the same classes: 401, 404, 429 with retry-after, 503 no_available_account", async () => {
    await using f = await startOpenAiFixture({
      emails: [A, B],
      profile,
      maxAttempts: 2,
      authMode: "all_except_health",
      apiKeys: [KEY],
    });
    const ask = { model: "gpt-5", input: "hi" };
    const wrong = await apiFailure(f.client({ apiKey: "sk-wrong" }).responses.create(ask));
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    const client = f.client({ apiKey: KEY });
    f.app.google.failUpstream({ kind: "model_not_found" }, { times: 1 });
    expect(await apiFailure(client.responses.create(ask))).toBeInstanceOf(OpenAI.NotFoundError);
    f.app.google.failUpstream({ kind: "resource_exhausted", retryDelaySeconds: 30 }, { times: 2 });
    const limited = await apiFailure(client.responses.create({ ...ask, stream: true }));
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited.headers?.get("retry-after")).toBe("30");
    const none = await apiFailure(client.responses.create(ask));
    expect(none.status).toBe(503);
    expect(none.type).toBe("no_available_account");
    expect(f.app.pool.summary().disabled).toBe(0);
  });

  test("a stream that fails after it began ends in an error event that the SDK raises as an APIError", async () => {
    await using f = await startOpenAiFixture({ emails: [A], profile });
    f.app.google.scriptTurns({ parts: [{ text: "one two three four" }], piecesPerText: 4 });
    f.app.google.failStreams({ kind: "error_event", afterEvents: 2 }, { times: 1 });
    const stream = await f.client().chat.completions.create({ ...HI, stream: true });
    const texts: string[] = [];
    const failure = await apiFailure(
      (async () => {
        for await (const chunk of stream) texts.push(chunk.choices[0]?.delta.content ?? "");
      })(),
    );
    expect(texts.join("")).toBe("one two th");
    expect(failure.message).toContain("overloaded");
    expect(failure.type).toBe("server_error");
  });
});
