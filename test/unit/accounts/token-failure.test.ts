import { describe, expect, test } from "bun:test";
import { classifyTokenEndpointReply, describeTokenFailure } from "../../../src/accounts/token-failure.ts";

describe("token endpoint error classification (SPEC §5.4)", () => {
  test("invalid_grant in Google's JSON body means dead credentials", () => {
    const failure = classifyTokenEndpointReply(
      400,
      '{"error": "invalid_grant", "error_description": "Token has been expired or revoked."}',
    );
    expect(failure.kind).toBe("invalid_grant");
    expect(describeTokenFailure(failure)).toBe("invalid_grant: Token has been expired or revoked.");
  });

  test("a non-JSON body containing invalid_grant also means dead credentials", () => {
    expect(classifyTokenEndpointReply(400, "<html>Error: invalid_grant</html>").kind).toBe("invalid_grant");
  });

  test("invalid_client and unauthorized_client are configuration errors", () => {
    expect(
      classifyTokenEndpointReply(
        401,
        '{"error":"invalid_client","error_description":"The OAuth client was not found."}',
      ).kind,
    ).toBe("config");
    expect(
      classifyTokenEndpointReply(400, '{"error":"unauthorized_client","error_description":"Unauthorized"}')
        .kind,
    ).toBe("config");
  });

  test("5xx replies, JSON or not, are transient", () => {
    expect(classifyTokenEndpointReply(503, "<html>Service Unavailable</html>").kind).toBe("transient");
    expect(classifyTokenEndpointReply(500, '{"error":"internal_failure"}').kind).toBe("transient");
  });

  test("long non-JSON bodies are cut in the description", () => {
    const failure = classifyTokenEndpointReply(502, "z".repeat(5000));
    expect(failure.description.length).toBeLessThan(400);
  });
});
