import { describe, expect, test } from "bun:test";
import { createLogger, type LogRecord } from "../../../src/log/logger.ts";
import { redact } from "../../../src/log/redact.ts";
import { FakeClock } from "../../support/fake-clock.ts";

describe("redact", () => {
  test("masks Google token shapes, credentials in queries and forms, and bearer tokens", () => {
    const cases: Array<[string, string]> = [
      ["access ya29.a0AfH6SMBx-y_z.1", "access ya29[redacted]"],
      ["refresh 1//0gLmX_abcdefgh-ij", "refresh 1//0[redacted]"],
      ["GET /v1beta/models?key=sk-live-123&alt=sse", "GET /v1beta/models?key=[redacted]&alt=sse"],
      ["?alt=sse&KEY=abc", "?alt=sse&KEY=[redacted]"],
      [
        "refresh_token=r1&client_secret=s2&code=c3",
        "refresh_token=[redacted]&client_secret=[redacted]&code=[redacted]",
      ],
      ["Authorization: Bearer abc.def-ghi", "Authorization: Bearer [redacted]"],
      ["x-api-key: k123456 sent", "x-api-key: [redacted] sent"],
    ];
    for (const [input, output] of cases) expect(redact(input)).toBe(output);
  });

  test("leaves ordinary text alone", () => {
    for (const text of ["Loaded 3 accounts (2 active)", "monkey=1", "api_keys=2 configured", "a/b/c"]) {
      expect(redact(text)).toBe(text);
    }
  });
});

describe("the logger's secret mask", () => {
  test("masks the configured secrets in messages and fields, whatever their shape", () => {
    const lines: string[] = [];
    const log = createLogger({
      level: "debug",
      format: "json",
      clock: new FakeClock(),
      write: (line: string, _record: LogRecord) => lines.push(line),
      secrets: ["plain-client-key-42", "k", "admin.secret+x"],
    });
    log.child({ bound: "x plain-client-key-42" }).warn("saw admin.secret+x and k in a message", {
      detail: "prefixplain-client-key-42suffix",
    });
    const line = lines.join("\n");
    expect(line).not.toContain("plain-client-key-42");
    expect(line).not.toContain("admin.secret+x");
    expect(line).toContain("and k in"); // too short to be a secret worth masking
    expect(line.match(/\[redacted\]/g)).toHaveLength(3);
  });
});
