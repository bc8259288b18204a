import { describe, expect, test } from "bun:test";
import { clientFamilyOf } from "../../../src/proxy/client-family.ts";

function family(headers: Record<string, string>, query = ""): string {
  return clientFamilyOf(new Request(`http://localhost/v1/models${query}`, { headers }));
}

describe("clientFamilyOf", () => {
  test("anthropic-version marks Anthropic's clients, whatever else they send", () => {
    expect(family({ "anthropic-version": "2023-06-01", "x-goog-api-key": "k" })).toBe("anthropic");
  });

  test("x-goog-api-key, x-goog-api-client or ?key= mark Google's clients", () => {
    expect(family({ "x-goog-api-key": "k" })).toBe("gemini");
    expect(family({ "x-goog-api-client": "google-genai-sdk/3.6.1 gl-python/3.11.7" })).toBe("gemini");
    expect(family({}, "?key=k")).toBe("gemini");
  });

  test("anything else is taken for an OpenAI client", () => {
    expect(family({ authorization: "Bearer k" })).toBe("openai");
    expect(family({ "x-api-key": "k" })).toBe("openai");
    expect(family({})).toBe("openai");
  });
});
