import { describe, expect, test } from "bun:test";
import { anthropicErrorFromGoogle } from "../../../../src/proxy/anthropic/anthropic-error.ts";

const google = (code: number, status: string, message = "m") =>
  JSON.stringify({ error: { code, message, status } });

/** [Google's HTTP status, Google's status string, Anthropic's status, Anthropic's type] */
const MAPPINGS: [number, string, number, string][] = [
  [400, "INVALID_ARGUMENT", 400, "invalid_request_error"],
  [400, "FAILED_PRECONDITION", 400, "invalid_request_error"],
  [400, "OUT_OF_RANGE", 400, "invalid_request_error"],
  [401, "UNAUTHENTICATED", 401, "authentication_error"],
  [403, "PERMISSION_DENIED", 403, "permission_error"],
  [404, "NOT_FOUND", 404, "not_found_error"],
  [409, "ABORTED", 409, "conflict_error"],
  [409, "ALREADY_EXISTS", 409, "conflict_error"],
  [413, "", 413, "request_too_large"],
  [429, "RESOURCE_EXHAUSTED", 429, "rate_limit_error"],
  [499, "CANCELLED", 499, "invalid_request_error"],
  [500, "INTERNAL", 500, "api_error"],
  [500, "UNKNOWN", 500, "api_error"],
  [500, "DATA_LOSS", 500, "api_error"],
  [501, "UNIMPLEMENTED", 501, "api_error"],
  [502, "", 502, "api_error"],
  [503, "UNAVAILABLE", 529, "overloaded_error"],
  [504, "DEADLINE_EXCEEDED", 504, "timeout_error"],
  [529, "", 529, "overloaded_error"],
  [418, "", 418, "invalid_request_error"],
  [200, "", 500, "api_error"],
  [302, "", 500, "api_error"],
  [600, "", 500, "api_error"],
];

describe("Google's errors in Anthropic's shape", () => {
  test.each(MAPPINGS)("HTTP %p %s → %p %s", (status, statusText, anthropicStatus, type) => {
    const body =
      statusText === ""
        ? JSON.stringify({ error: { code: status, message: "m" } })
        : google(status, statusText);
    expect(anthropicErrorFromGoogle(status, body)).toEqual({
      status: anthropicStatus,
      body: { type: "error", error: { type, message: statusText === "" ? "m" : `m (${statusText})` } },
    });
  });

  test.each([
    ["RESOURCE_EXHAUSTED", 429, "rate_limit_error"],
    ["UNAVAILABLE", 529, "overloaded_error"],
    ["INVALID_ARGUMENT", 400, "invalid_request_error"],
    ["DEADLINE_EXCEEDED", 504, "timeout_error"],
  ])(
    "a status string (%s) decides when the HTTP status says less (a streamed error without code)",
    (status, anthropicStatus, type) => {
      const mapped = anthropicErrorFromGoogle(500, JSON.stringify({ error: { message: "m", status } }));
      expect([mapped.status, mapped.body.error.type]).toEqual([anthropicStatus, type]);
    },
  );

  test.each(["SOMETHING_NEW", "constructor", "__proto__"])(
    "an unknown status string (%s) leaves the HTTP status to decide",
    (status) => {
      const mapped = anthropicErrorFromGoogle(429, google(429, status));
      expect(mapped).toEqual({
        status: 429,
        body: { type: "error", error: { type: "rate_limit_error", message: `m (${status})` } },
      });
    },
  );

  test("Google's message is kept, also from the one-element array of a streamed reply", () => {
    const quota = "Quota exceeded for quota metric 'Generate Content API requests per minute'";
    expect(
      anthropicErrorFromGoogle(429, `[${google(429, "RESOURCE_EXHAUSTED", quota)}]`).body.error.message,
    ).toBe(`${quota} (RESOURCE_EXHAUSTED)`);
    expect(
      anthropicErrorFromGoogle(404, JSON.stringify({ error: { message: "model x not found" } })).body.error
        .message,
    ).toBe("model x not found");
  });

  test.each([
    ["HTML", "<html>Bearer ya29.SECRET</html>"],
    ["empty", ""],
    ["JSON of another shape", JSON.stringify({ detail: "token ya29.SECRET" })],
    ["an error without message", JSON.stringify({ error: { code: 500, details: ["ya29.SECRET"] } })],
    ["an empty message", JSON.stringify({ error: { message: "", status: "ya29.SECRET" } })],
  ])("a body that is not Google's error (%s) is never quoted: only the status is named", (_name, body) => {
    expect(anthropicErrorFromGoogle(502, body).body.error).toEqual({
      type: "api_error",
      message: "the upstream answered with HTTP 502",
    });
  });
});
