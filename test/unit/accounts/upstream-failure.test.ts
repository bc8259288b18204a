import { describe, expect, test } from "bun:test";
import { parseGoogleDuration, parseRetryAfter } from "../../../src/accounts/google-durations.ts";
import { classifyUpstreamReply } from "../../../src/accounts/upstream-failure.ts";

const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers: new Headers(headers),
  body: typeof body === "string" ? body : JSON.stringify(body),
});

const quotaBody = (retryDelay: string, model?: string) => ({
  error: {
    code: 429,
    message: "You exceeded your current quota, please check your plan and billing details.",
    status: "RESOURCE_EXHAUSTED",
    details: [
      ...(model === undefined
        ? []
        : [
            {
              "@type": "type.googleapis.com/google.rpc.QuotaFailure",
              violations: [
                {
                  quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                  quotaDimensions: { model },
                },
              ],
            },
          ]),
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay },
    ],
  },
});

describe("upstream error classification (SPEC §5.4)", () => {
  test("reads Google's durations", () => {
    expect(parseGoogleDuration("43s")).toBe(43_000);
    expect(parseGoogleDuration("1.5s")).toBe(1_500);
    expect(parseGoogleDuration("1h2m3s")).toBe(3_723_000);
    expect(parseGoogleDuration("373.801628ms")).toBe(374);
    expect(parseGoogleDuration("soon")).toBeUndefined();
    expect(parseRetryAfter("120", 0)).toBe(120_000);
    expect(parseRetryAfter("Thu, 01 Jan 1970 00:01:00 GMT", 0)).toBe(60_000);
  });

  test("401 is a stale access token", () => {
    expect(
      classifyUpstreamReply(reply(401, { error: { code: 401, status: "UNAUTHENTICATED" } }), 0).kind,
    ).toBe("stale_token");
  });

  test("429 takes Retry-After first", () => {
    const verdict = classifyUpstreamReply(reply(429, quotaBody("43s"), { "retry-after": "7" }), 0);
    expect(verdict).toMatchObject({ kind: "rate_limited", retryAfterMs: 7_000 });
  });

  test("429 takes RetryInfo.retryDelay and scopes a per-model quota to the model", () => {
    const verdict = classifyUpstreamReply(
      reply(429, quotaBody("43s", "gemini-2.5-pro")),
      0,
      "gemini-2.5-pro",
    );
    expect(verdict).toMatchObject({ kind: "rate_limited", retryAfterMs: 43_000, model: "gemini-2.5-pro" });
  });

  test("429 reads Cloud Code's quotaResetDelay", () => {
    const body = {
      error: {
        code: 429,
        status: "RESOURCE_EXHAUSTED",
        message: "quota",
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "QUOTA_EXHAUSTED",
            metadata: { quotaResetDelay: "1h0m0s" },
          },
        ],
      },
    };
    expect(classifyUpstreamReply(reply(429, body), 0)).toMatchObject({ retryAfterMs: 3_600_000 });
  });

  test("429 without hints has no retry delay (the pool applies 30 s)", () => {
    const verdict = classifyUpstreamReply(reply(429, "Too Many Requests"), 0);
    expect(verdict.kind).toBe("rate_limited");
    expect("retryAfterMs" in verdict).toBe(false);
  });

  test("403 VALIDATION_REQUIRED records the validation URL", () => {
    const body = {
      error: {
        code: 403,
        status: "PERMISSION_DENIED",
        message: "Verify your account",
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "VALIDATION_REQUIRED",
            metadata: { validation_url: "https://accounts.google.com/verify" },
          },
        ],
      },
    };
    expect(classifyUpstreamReply(reply(403, body), 0)).toMatchObject({
      kind: "validation_required",
      url: "https://accounts.google.com/verify",
    });
  });

  test("other 403s are forbidden, 5xx transient, 400 the client's own", () => {
    const denied = {
      error: { code: 403, status: "PERMISSION_DENIED", message: "The caller does not have permission" },
    };
    expect(classifyUpstreamReply(reply(403, denied), 0)).toMatchObject({
      kind: "forbidden",
      message: "The caller does not have permission",
    });
    expect(
      classifyUpstreamReply(reply(503, { error: { code: 503, status: "UNAVAILABLE", message: "x" } }), 0)
        .kind,
    ).toBe("transient");
    expect(
      classifyUpstreamReply(reply(400, { error: { code: 400, status: "INVALID_ARGUMENT", message: "x" } }), 0)
        .kind,
    ).toBe("client_error");
    expect(classifyUpstreamReply(reply(200, "{}"), 0).kind).toBe("success");
  });
});
