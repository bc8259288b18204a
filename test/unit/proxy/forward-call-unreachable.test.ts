/**
 * An unreachable upstream says why — in the log and in the client's message — with the error's
 * name, code and message, and never a token or a URL's query.
 */
import { describe, expect, test } from "bun:test";
import { describeCause } from "../../../src/proxy/upstream/describe-cause.ts";
import { createGeminiProfile } from "../../../src/proxy/upstream/gemini-profile.ts";
import { startForwardFixture } from "../../support/forward-fixture.ts";
import { findSecretsIn } from "../../support/pool-fixture.ts";

/** A URL nothing listens on: a server on port 0, stopped. */
async function closedUrl(): Promise<string> {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const url = `http://127.0.0.1:${server.port}`;
  await server.stop(true);
  return url;
}

describe("describeCause", () => {
  test("names the error, its code and message, following the cause", () => {
    const inner = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED" });
    expect(describeCause(new TypeError("fetch failed", { cause: inner }))).toBe(
      "TypeError: fetch failed; caused by Error: connect ECONNREFUSED 10.0.0.1:443",
    );
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(describeCause(reset)).toBe("Error (ECONNRESET): socket hang up");
    expect(describeCause(new DOMException("The operation timed out.", "TimeoutError"))).toBe(
      "TimeoutError: The operation timed out.",
    );
    expect(describeCause("timeout")).toBe("timeout");
  });

  test("drops URL queries and masks token shapes", () => {
    const cause = new Error(
      "GET https://example.com/v1beta/models/m:generateContent?key=AIzaSECRET&alt=sse failed with ya29.a0AfB_abcdef0123456789",
    );
    const text = describeCause(cause);
    expect(text).toContain("https://example.com/v1beta/models/m:generateContent failed");
    expect(text).not.toContain("AIzaSECRET");
    expect(text).not.toContain("a0AfB_abcdef0123456789");
  });
});

describe("an unreachable upstream", () => {
  test("the log and the client's message carry the cause", async () => {
    const url = await closedUrl();
    await using f = await startForwardFixture({
      emails: ["a@example.com", "b@example.com"],
      maxAttempts: 3,
      profile: () => createGeminiProfile(url),
    });
    const query = new URLSearchParams({ alt: "sse", marker: "query-must-not-be-logged" });
    const reply = await f.forward({ call: { query } });
    expect(reply.status).toBe(503);
    const message = ((await reply.json()) as { error: { message: string } }).error.message;
    expect(message).toStartWith(
      "no_available_account: 2 tried without success (last: cannot reach the upstream: ",
    );
    expect(message).toContain("ECONNREFUSED");
    const warnings = f.log.messages("warn");
    expect(warnings).toHaveLength(2);
    for (const line of warnings) {
      expect(line).toMatch(
        /^Upstream unreachable with [ab]@example\.com \(cannot reach the upstream: .*ECONNREFUSED/,
      );
    }
    const stored = await f.store.list();
    const secrets = [...f.secrets, ...stored.map((a) => a.token.accessToken), "query-must-not-be-logged"];
    expect(findSecretsIn([...f.log.lines, message], secrets)).toEqual([]);
  });

  test("a timeout is named as one", async () => {
    await using f = await startForwardFixture({
      emails: ["a@example.com"],
      maxAttempts: 1,
      upstreamFetch: () => Promise.reject(new DOMException("The operation timed out.", "TimeoutError")),
    });
    const reply = await f.forward({ protocol: "anthropic" });
    // Anthropic's clients read 529 as "overloaded" (Claude Code stops after three tries).
    expect(reply.status).toBe(529);
    const body = (await reply.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("overloaded_error");
    expect(body.error.message).toContain(
      "(last: cannot reach the upstream: TimeoutError: The operation timed out.)",
    );
    expect(f.log.messages("warn")[0]).toContain("TimeoutError: The operation timed out.");
  });
});
