import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { routeTemplate } from "../../../src/proxy/route-template.ts";

describe("routeTemplate", () => {
  test("names the Gemini actions without the model", () => {
    expect(routeTemplate("POST", "/v1beta/models/gemini-2.5-pro:streamGenerateContent")).toBe(
      "/v1beta/models/{model}:streamGenerateContent",
    );
    expect(routeTemplate("POST", "/v1/models/gemini-embedding-001:batchEmbedContents")).toBe(
      "/v1/models/{model}:batchEmbedContents",
    );
    expect(routeTemplate("GET", "/v1beta/models/gemini-2.5-pro")).toBe("/v1beta/models/{model}");
    expect(routeTemplate("GET", "/v1/models/gpt-4o")).toBe("/v1/models/{model}");
  });

  test("hides account ids and emails in admin paths", () => {
    expect(routeTemplate("POST", "/admin/accounts/alice@example.com/disable")).toBe(
      "/admin/accounts/{id}/disable",
    );
    expect(routeTemplate("DELETE", "/admin/accounts/3f2a")).toBe("/admin/accounts/{id}");
  });

  test("keeps fixed routes as they are", () => {
    expect(routeTemplate("GET", "/metrics")).toBe("/metrics");
    expect(routeTemplate("POST", "/v1/messages")).toBe("/v1/messages");
    expect(routeTemplate("POST", "/v1/messages/count_tokens")).toBe("/v1/messages/count_tokens");
    expect(routeTemplate("GET", "/v1/models")).toBe("/v1/models");
    expect(routeTemplate("HEAD", "/")).toBe("/");
    expect(routeTemplate("POST", "/admin/reload")).toBe("/admin/reload");
  });

  test("names a Gemini action exactly when the model has no slash or colon and the action is known", () => {
    const ACTION =
      /^\/(v1beta|v1)\/models\/[^/:]+:(generateContent|streamGenerateContent|countTokens|embedContent|batchEmbedContents)$/;
    const parts = ["/v1beta/models/", "/v1/models/", "/v2/models/", "m", "a/b", ":", "::", "generateContent"];
    const more = ["countTokens", "constructor", "__proto__", "embedContentX", "/", "", "%3A"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...parts, ...more), { maxLength: 6 }), (pieces) => {
        const path = pieces.join("");
        const match = ACTION.exec(path);
        const expected = match === null ? undefined : `/${match[1]}/models/{model}:${match[2]}`;
        // Other POST routes are fixed paths; only a Gemini action's template names {model}.
        const got = routeTemplate("POST", path);
        expect(got?.includes("{model}") === true ? got : undefined).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  test("gives no route for unknown paths or methods, so they cannot become labels", () => {
    expect(routeTemplate("GET", "/v1beta/models/gemini-2.5-pro:generateContent")).toBeUndefined();
    expect(routeTemplate("GET", "/wp-admin/secret-probe")).toBeUndefined();
    expect(routeTemplate("GET", "/v1/messages")).toBeUndefined();
    expect(routeTemplate("GET", "/admin/accounts/x")).toBeUndefined();
    expect(routeTemplate("POST", "/v1beta/models/m:constructor")).toBeUndefined();
    expect(routeTemplate("POST", "/v1beta/models/m:__proto__")).toBeUndefined();
  });
});
