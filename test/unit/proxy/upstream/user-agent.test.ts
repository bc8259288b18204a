import { describe, expect, test } from "bun:test";
import { productToken, upstreamUserAgent, withUserAgent } from "../../../../src/proxy/upstream/user-agent.ts";

describe("upstreamUserAgent", () => {
  test("appends grantpool's product token to the client's agent", () => {
    expect(upstreamUserAgent("GeminiCLI/0.61.0 (linux; x64)", productToken("1.2.3"))).toBe(
      "GeminiCLI/0.61.0 (linux; x64) grantpool/1.2.3",
    );
  });

  test("names grantpool alone when the client sends none, and nothing when neither is known", () => {
    expect(upstreamUserAgent(null, "grantpool/1.2.3")).toBe("grantpool/1.2.3");
    expect(upstreamUserAgent("   ", "grantpool/1.2.3")).toBe("grantpool/1.2.3");
    expect(upstreamUserAgent(undefined, undefined)).toBeUndefined();
  });

  test("cuts an oversized agent and blanks control characters", () => {
    const sent = upstreamUserAgent(`a\tb${"x".repeat(2000)}`, "grantpool/t") ?? "";
    expect(sent.startsWith("a b")).toBe(true);
    expect(sent.endsWith(" grantpool/t")).toBe(true);
    expect(sent.length).toBeLessThanOrEqual(512 + " grantpool/t".length);
  });

  test("sets the header on the prepared Headers in place, keeping the others", () => {
    const init = { method: "POST", headers: new Headers({ authorization: "Bearer t" }) };
    const sent = withUserAgent(init, "ua grantpool/t");
    expect(sent).toBe(init);
    expect(init.headers.get("user-agent")).toBe("ua grantpool/t");
    expect(init.headers.get("authorization")).toBe("Bearer t");
    expect(withUserAgent(init, undefined)).toBe(init);
  });

  test("headers given as a record are copied, never changed", () => {
    const record = { authorization: "Bearer t" };
    const sent = new Headers(withUserAgent({ headers: record }, "ua").headers);
    expect(sent.get("user-agent")).toBe("ua");
    expect(sent.get("authorization")).toBe("Bearer t");
    expect(record).toEqual({ authorization: "Bearer t" });
  });
});
