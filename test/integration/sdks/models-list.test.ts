/**
 * `GET /v1/models` (and `/v1/models/{model}`) answers each SDK family in the shape it parses,
 * told apart by the headers each sends (client-family.ts): Google's `{models: […]}`, OpenAI's
 * `{object: "list", data: […]}`, Anthropic's `{data, has_more, first_id, last_id}` — with each
 * protocol's access rule and error format. Real SDK clients of one served app.
 */

import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { startGoogleSdkFixture } from "../../support/google-sdk-fixture.ts";
import { rememberSecret } from "../../support/secret-scan.ts";

const A = "alice@example.com";
const KEY = "models-list-client-key-0123456789";
const WRONG = "models-list-wrong-key-0123456789";
rememberSecret(WRONG);

function fixture(profile: "gemini" | "code-assist" = "gemini") {
  return startGoogleSdkFixture({ emails: [A], profile, authMode: "all_except_health", apiKeys: [KEY] });
}

function openai(url: string, apiKey: string) {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
}

function anthropic(url: string, apiKey: string) {
  return new Anthropic({ baseURL: url, apiKey, maxRetries: 0 });
}

describe("GET /v1/models for every SDK", () => {
  for (const profile of ["gemini", "code-assist"] as const) {
    test(`each SDK lists the served generative models in its own shape (${profile} profile)`, async () => {
      await using f = await fixture(profile);
      const google: string[] = [];
      for await (const model of await f.client({ apiKey: KEY }).models.list()) google.push(model.name ?? "");
      expect(google).toContain("models/gemini-2.5-flash");

      const openAiModels = [];
      for await (const model of openai(f.server.url, KEY).models.list()) openAiModels.push(model);
      expect(openAiModels.map((m) => m.id)).toContain("gemini-2.5-flash");
      for (const model of openAiModels) {
        expect(model).toEqual({ id: model.id, object: "model", created: 0, owned_by: "google" });
      }

      const anthropicModels = [];
      for await (const model of anthropic(f.server.url, KEY).models.list()) anthropicModels.push(model);
      expect(anthropicModels.map((m) => m.id)).toEqual(openAiModels.map((m) => m.id));
      expect(anthropicModels[0]).toMatchObject({ type: "model", created_at: "1970-01-01T00:00:00Z" });
      // Embedding-only models generate nothing: only Google's own list shows them.
      expect(openAiModels.map((m) => m.id)).not.toContain("gemini-embedding-001");
      expect(f.received.map((r) => r.target.split("?")[0])).toEqual([
        "/v1/models",
        "/v1/models",
        "/v1/models",
      ]);
      if (profile === "gemini") {
        // OpenAI's and Anthropic's lists are one page of Google's: the largest it gives.
        const pages = f.app.google.upstreamRequests.map((r) => r.query.pageSize);
        expect(pages.slice(1)).toEqual(["1000", "1000"]);
      }
    });
  }

  test("OpenAI's and Anthropic's models.retrieve answer for the client's own name, as the model map serves it", async () => {
    await using f = await fixture();
    expect(await openai(f.server.url, KEY).models.retrieve("gpt-4o")).toEqual({
      id: "gpt-4o",
      object: "model",
      created: 0,
      owned_by: "google",
    });
    expect(await anthropic(f.server.url, KEY).models.retrieve("claude-sonnet-4-5")).toMatchObject({
      type: "model",
      id: "claude-sonnet-4-5",
      display_name: "Gemini 2.5 Pro",
    });
    expect(f.app.google.upstreamRequests.map((r) => r.path)).toEqual([
      "/v1beta/models/gemini-2.5-pro",
      "/v1beta/models/gemini-2.5-pro",
    ]);
    const missing = await openai(f.server.url, KEY)
      .models.retrieve("no-such-model")
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("a wrong key is refused in each protocol's own error format, and nothing goes upstream", async () => {
    await using f = await fixture();
    const google = await f
      .client({ apiKey: WRONG })
      .models.list()
      .catch((e: unknown) => e);
    expect(google).toMatchObject({ status: 401 });
    expect(String((google as Error).message)).toContain("UNAUTHENTICATED");

    const openAiError = await openai(f.server.url, WRONG)
      .models.list()
      .catch((e: unknown) => e);
    expect(openAiError).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((openAiError as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({
      type: "invalid_request_error",
      code: "unauthenticated",
    });

    const anthropicError = await anthropic(f.server.url, WRONG)
      .models.list()
      .catch((e: unknown) => e);
    expect(anthropicError).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((anthropicError as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({
      type: "error",
      error: { type: "authentication_error" },
    });
    expect(f.app.google.calls.upstream).toBe(0);
  });

  test("plain HTTP: ?key= or x-goog-api-key chooses Google's shape, nothing chooses OpenAI's", async () => {
    await using f = await fixture();
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${f.server.url}${path}`, { headers }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(await get(`/v1/models?key=${KEY}`)).toHaveProperty("models");
    expect(await get("/v1/models", { "x-goog-api-key": KEY })).toHaveProperty("models");
    expect(await get("/v1/models", { authorization: `Bearer ${KEY}` })).toMatchObject({ object: "list" });
    expect(f.app.google.upstreamRequests.every((r) => r.query.key === undefined)).toBe(true);
  });
});
