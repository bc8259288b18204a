/** The help says what grantpool does today, not what it will do. */
import { describe, expect, test } from "bun:test";
import { usageText } from "../../../src/config/usage-text.ts";

describe("help", () => {
  test("claims no OpenAI or Anthropic API, which the proxy does not serve yet", () => {
    for (const topic of ["", "proxy", "accounts", "operator"] as const) {
      expect(usageText(topic)).not.toMatch(/openai|anthropic/i);
    }
  });

  test("says the proxy serves the Gemini API", () => {
    expect(usageText("")).toContain(
      "proxy           Serve the Gemini API (/v1beta/models/…) through the account pool",
    );
    expect(usageText("proxy")).toContain("Serve the Gemini API (/v1beta/models/…) through the account pool");
  });
});
