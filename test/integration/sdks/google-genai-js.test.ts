/**
 * Google's JavaScript SDK (`@google/genai`, with its default settings) through grantpool and the
 * Google emulator: generateContent, a stream, countTokens, models.list, models.get and
 * embedContent, with client keys required, so the SDK's own way of sending its key is what is
 * checked — and never what goes upstream.
 */
import { describe, expect, test } from "bun:test";
import { startGoogleSdkFixture } from "../../support/google-sdk-fixture.ts";

const A = "alice@example.com";
const KEY = "google-sdk-client-key-0123456789";

function fixture(profile: "gemini" | "code-assist" = "gemini") {
  return startGoogleSdkFixture({ emails: [A], profile, authMode: "all_except_health", apiKeys: [KEY] });
}

describe("@google/genai through grantpool", () => {
  for (const profile of ["gemini", "code-assist"] as const) {
    test(`generateContent, a stream and countTokens answer (${profile} profile)`, async () => {
      await using f = await fixture(profile);
      const ai = f.client({ apiKey: KEY });
      const reply = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hello" });
      expect(reply.text).toBe("answered by alice@example.com");
      // The SDK's default API version is v1.
      expect(f.received[0]?.target).toBe("/v1/models/gemini-2.5-flash:generateContent");

      f.app.google.setStreamChunks(["one ", "two ", "three"]);
      let streamed = "";
      let chunks = 0;
      for await (const chunk of await ai.models.generateContentStream({
        model: "gemini-2.5-flash",
        contents: "hello",
      })) {
        streamed += chunk.text ?? "";
        chunks += 1;
      }
      expect(streamed).toBe("one two three");
      expect(chunks).toBe(3);

      const count = await ai.models.countTokens({ model: "gemini-2.5-flash", contents: "hello there" });
      expect(count.totalTokens).toBeGreaterThan(0);
      for (const request of f.app.google.upstreamRequests) {
        expect(JSON.stringify(request)).not.toContain(KEY);
      }
    });
  }

  test("models.list pages through the upstream's models, models.get reads one", async () => {
    await using f = await fixture();
    const ai = f.client({ apiKey: KEY });
    const names: string[] = [];
    for await (const model of await ai.models.list()) names.push(model.name ?? "");
    expect(names).toContain("models/gemini-2.5-flash");
    expect(names).toContain("models/gemini-embedding-001");
    const model = await ai.models.get({ model: "gemini-2.5-pro" });
    expect(model).toMatchObject({ name: "models/gemini-2.5-pro", displayName: "Gemini 2.5 Pro" });
    expect(f.received.map((r) => `${r.method} ${r.target.split("?")[0]}`)).toEqual([
      "GET /v1/models",
      "GET /v1/models/gemini-2.5-pro",
    ]);
    // /v1/models is every client family's; the SDK's headers chose Google's shape.
    expect(f.app.google.upstreamRequests.map((r) => r.path)).toEqual([
      "/v1beta/models",
      "/v1beta/models/gemini-2.5-pro",
    ]);
  });

  test("a model that does not exist is the SDK's 404 error, not a crash", async () => {
    await using f = await fixture();
    const ai = f.client({ apiKey: KEY });
    const error = await ai.models.get({ model: "no-such-model" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404 });
  });

  test("embedContent embeds each text (the SDK sends batchEmbedContents)", async () => {
    await using f = await fixture();
    const ai = f.client({ apiKey: KEY });
    const reply = await ai.models.embedContent({
      model: "gemini-embedding-001",
      contents: ["first text", "second text"],
      config: { outputDimensionality: 16 },
    });
    expect(reply.embeddings?.map((e) => e.values?.length)).toEqual([16, 16]);
    expect(f.app.google.upstreamRequests.at(-1)?.path).toBe(
      "/v1beta/models/gemini-embedding-001:batchEmbedContents",
    );
  });

  test("the SDK under apiVersion v1beta reaches the same routes", async () => {
    await using f = await fixture();
    const ai = f.client({ apiKey: KEY, apiVersion: "v1beta" });
    const reply = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hello" });
    expect(reply.text).toBe("answered by alice@example.com");
    const model = await ai.models.get({ model: "gemini-2.5-flash" });
    expect(model.name).toBe("models/gemini-2.5-flash");
    const names: string[] = [];
    for await (const m of await ai.models.list()) names.push(m.name ?? "");
    expect(names).toContain("models/gemini-2.5-pro");
    expect(f.received.every((r) => r.target.startsWith("/v1beta/"))).toBe(true);
  });

  test("a wrong key is the SDK's 401, in Google's shape", async () => {
    await using f = await fixture();
    const error = await f
      .client({ apiKey: "wrong-google-key-0123456789" })
      .models.generateContent({ model: "gemini-2.5-flash", contents: "hello" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401 });
    expect(String((error as Error).message)).toContain("UNAUTHENTICATED");
    expect(f.app.google.calls.upstream).toBe(0);
  });
});
