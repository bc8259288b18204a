/**
 * Gemini-native calls under `/v1/` as under `/v1beta/`, models.get, the embedding methods, and
 * what the code-assist profile answers for embeddings (SPEC §6.1), against the Google emulator.
 */
import { describe, expect, test } from "bun:test";
import { type AppFixture, HELLO, startAppFixture } from "../../support/app-fixture.ts";

const A = "alice@example.com";
const EMBED = { content: { parts: [{ text: "a sentence to embed" }] }, outputDimensionality: 8 };
const BATCH = {
  requests: [
    { model: "models/gemini-embedding-001", content: { parts: [{ text: "one" }] }, outputDimensionality: 4 },
    { model: "models/gemini-embedding-001", content: { parts: [{ text: "two" }] }, outputDimensionality: 4 },
  ],
};

function call(
  f: AppFixture,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return f.handle(
    new Request(`http://localhost${path}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    }),
  );
}

async function googleError(reply: Response) {
  return ((await reply.json()) as { error: { code: number; message: string; status: string } }).error;
}

describe("Gemini under /v1", () => {
  test("generateContent, a stream and countTokens answer under /v1 as under /v1beta", async () => {
    await using f = await startAppFixture({ emails: [A] });
    const answer = await call(f, "POST", "/v1/models/gemini-2.5-flash:generateContent", HELLO);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain("answered by alice@example.com");
    expect(answer.headers.get("x-grantpool-account")).toBe("id-alice");

    const stream = await call(f, "POST", "/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse", HELLO);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    expect((await stream.text()).match(/^data: /gm)?.length).toBeGreaterThan(0);

    const count = await call(f, "POST", "/v1/models/gemini-2.5-flash:countTokens", HELLO);
    expect(((await count.json()) as { totalTokens: number }).totalTokens).toBeGreaterThan(0);
    expect(f.google.upstreamRequests.map((r) => r.path)).toEqual([
      "/v1beta/models/gemini-2.5-flash:generateContent",
      "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
      "/v1beta/models/gemini-2.5-flash:countTokens",
    ]);
  });

  test("the key in ?key= never goes upstream from a /v1 call", async () => {
    await using f = await startAppFixture({
      emails: [A],
      authMode: "all_except_health",
      apiKeys: ["k-v1-0123"],
    });
    const reply = await call(f, "POST", "/v1/models/gemini-2.5-flash:generateContent?key=k-v1-0123", HELLO);
    expect(reply.status).toBe(200);
    expect(f.google.upstreamRequests.at(-1)?.query).toEqual({});
  });

  test("bad targets under /v1 get Google's error shape, and nothing goes upstream", async () => {
    await using f = await startAppFixture({ emails: [A] });
    const unknown = await call(f, "POST", "/v1/models/gemini-2.5-flash:fly", HELLO);
    expect(unknown.status).toBe(404);
    expect((await googleError(unknown)).message).toContain(":embedContent");
    const badEncoding = await call(f, "POST", "/v1/models/%E0%A4%A:generateContent", HELLO);
    expect(badEncoding.status).toBe(400);
    expect((await googleError(badEncoding)).status).toBe("INVALID_ARGUMENT");
    const noRoute = await call(f, "DELETE", "/v1/models/gemini-2.5-flash");
    expect(noRoute.status).toBe(404);
    expect((await googleError(noRoute)).status).toBe("NOT_FOUND");
    expect(f.google.calls.upstream).toBe(0);
  });
});

describe("models.get", () => {
  for (const prefix of ["/v1beta", "/v1"]) {
    test(`GET ${prefix}/models/{model} reads the model through the pool, and an unknown one is Google's 404`, async () => {
      await using f = await startAppFixture({ emails: [A] });
      const headers = { "x-goog-api-client": "google-genai-sdk/test" };
      const found = await call(f, "GET", `${prefix}/models/gemini-2.5-pro`, undefined, headers);
      expect(found.status).toBe(200);
      expect(found.headers.get("x-grantpool-account")).toBe("id-alice");
      expect(await found.json()).toMatchObject({
        name: "models/gemini-2.5-pro",
        displayName: "Gemini 2.5 Pro",
      });
      const missing = await call(f, "GET", `${prefix}/models/no-such-model`, undefined, headers);
      expect(missing.status).toBe(404);
      expect((await googleError(missing)).status).toBe("NOT_FOUND");
      expect(f.google.upstreamRequests.map((r) => r.path)).toEqual([
        "/v1beta/models/gemini-2.5-pro",
        "/v1beta/models/no-such-model",
      ]);
    });
  }

  test("a method is POSTed, not read: GET models/{model}:generateContent is a 404 that says so", async () => {
    await using f = await startAppFixture({ emails: [A] });
    const reply = await call(f, "GET", "/v1beta/models/gemini-2.5-pro:generateContent");
    expect(reply.status).toBe(404);
    expect((await googleError(reply)).message).toContain("POSTed");
    expect(f.google.calls.upstream).toBe(0);
  });

  test("on code-assist, models.get answers the models it serves, and Google's 404 for others", async () => {
    await using f = await startAppFixture({ emails: [A], profile: "code-assist" });
    const found = await call(f, "GET", "/v1beta/models/gemini-2.5-flash");
    expect(await found.json()).toMatchObject({ name: "models/gemini-2.5-flash" });
    const missing = await call(f, "GET", "/v1beta/models/gemini-embedding-001");
    expect(missing.status).toBe(404);
    expect((await googleError(missing)).status).toBe("NOT_FOUND");
  });
});

describe("embeddings", () => {
  for (const prefix of ["/v1beta", "/v1"]) {
    test(`embedContent and batchEmbedContents go through the pool under ${prefix}, bodies byte for byte`, async () => {
      await using f = await startAppFixture({ emails: [A] });
      const body = JSON.stringify(EMBED);
      const one = await call(f, "POST", `${prefix}/models/gemini-embedding-001:embedContent`, body);
      expect(one.status).toBe(200);
      expect(one.headers.get("x-grantpool-account")).toBe("id-alice");
      expect(((await one.json()) as { embedding: { values: number[] } }).embedding.values).toHaveLength(8);
      expect(f.google.upstreamRequests.at(-1)?.text).toBe(body);

      const batch = await call(f, "POST", `${prefix}/models/gemini-embedding-001:batchEmbedContents`, BATCH);
      expect(batch.status).toBe(200);
      const { embeddings } = (await batch.json()) as { embeddings: { values: number[] }[] };
      expect(embeddings.map((e) => e.values.length)).toEqual([4, 4]);
      expect(embeddings[0]?.values).not.toEqual(embeddings[1]?.values);
    });
  }

  test("Google's refusal of an embedding on a generative model reaches the client and blames no account", async () => {
    await using f = await startAppFixture({ emails: [A] });
    const reply = await call(f, "POST", "/v1beta/models/gemini-2.5-flash:embedContent", EMBED);
    expect(reply.status).toBe(404);
    expect((await googleError(reply)).message).toContain("not supported for embedContent");
    expect(f.pool.summary().active).toBe(1);
    expect((await call(f, "POST", "/v1beta/models/gemini-2.5-flash:generateContent", HELLO)).status).toBe(
      200,
    );
  });

  test("on code-assist, embeddings are Google's 501 UNIMPLEMENTED naming the profile, before any account is used", async () => {
    await using f = await startAppFixture({ emails: [A], profile: "code-assist" });
    for (const path of [
      "/v1beta/models/gemini-embedding-001:embedContent",
      "/v1/models/gemini-embedding-001:batchEmbedContents",
    ]) {
      const reply = await call(f, "POST", path, path.endsWith("embedContent") ? EMBED : BATCH);
      expect(reply.status).toBe(501);
      const error = await googleError(reply);
      expect(error).toMatchObject({ code: 501, status: "UNIMPLEMENTED" });
      expect(error.message).toContain("code-assist");
      expect(error.message).toContain("--upstream-profile gemini");
    }
    expect(f.google.calls.upstream).toBe(0);
    expect(f.google.calls.refresh).toBe(0);
    expect(f.pool.summary().active).toBe(1);
  });
});
