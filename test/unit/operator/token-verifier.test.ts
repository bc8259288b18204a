import { describe, expect, test } from "bun:test";
import type { GoogleOAuthClient } from "../../../src/oauth/google-oauth-client.ts";
import { createTokenVerifier } from "../../../src/operator/token-verifier.ts";
import { err, ok } from "../../../src/result.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { createInMemoryTelemetry } from "../../support/in-memory-telemetry.ts";

/** An OAuth client that knows one good token; refreshes take 250 ms of the fake clock. */
function oauthKnowing(good: string, clock: FakeClock): GoogleOAuthClient {
  return {
    async refresh(refreshToken) {
      clock.advance(250);
      return refreshToken === good
        ? ok({ accessToken: "at", expiresIn: 3600, expiryTimestamp: 0, tokenType: "Bearer" })
        : err({
            kind: "invalid_grant",
            code: "invalid_grant",
            description: "Token has been expired or revoked.",
          });
    },
    userinfo: async () => ok({ email: "ada@example.com" }),
    exchangeCode: () => Promise.reject(new Error("unused")),
    authorizationUrl: () => "",
  };
}

describe("the operator's token verifier", () => {
  test("counts each verification as a refresh with its outcome and duration, in a span of its own", async () => {
    const t = createInMemoryTelemetry();
    const clock = new FakeClock();
    const verify = createTokenVerifier(oauthKnowing("good", clock), {
      clock,
      metrics: t.telemetry.metrics,
      tracer: t.telemetry.tracer,
    });
    expect(await verify("good")).toEqual({ kind: "valid", email: "ada@example.com" });
    expect(await verify("dead")).toMatchObject({ kind: "rejected" });

    expect(await t.counter("grantpool.token.refreshes", { outcome: "success" })).toBe(1);
    expect(await t.counter("grantpool.token.refreshes", { outcome: "invalid_grant" })).toBe(1);
    const durations = await t.points("grantpool.token.refresh.duration");
    expect(durations.map((point) => (point.value as { sum: number }).sum)).toEqual([0.25, 0.25]);
    expect(t.spans().map((span) => [span.name, span.attributes["grantpool.verification"]])).toEqual([
      ["grantpool.token.verify", "valid"],
      ["grantpool.token.verify", "rejected"],
    ]);
  });
});
