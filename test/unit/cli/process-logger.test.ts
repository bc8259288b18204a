import { describe, expect, test } from "bun:test";
import { createProcessLogger } from "../../../src/cli/wiring.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { load } from "../config/config-fixture.ts";

describe("the process logger", () => {
  test("masks every configured key and the OAuth client secret wherever they appear", () => {
    const { settings } = load(["proxy"], {
      env: {
        GRANTPOOL_API_KEYS: "first-client-key-77,second-client-key-88",
        GRANTPOOL_ADMIN_KEY: "the-admin-key-99",
        GRANTPOOL_OAUTH_CLIENT_SECRET: "GOCSPX-client-secret-11",
      },
    });
    const lines: string[] = [];
    const log = createProcessLogger(settings, new FakeClock(), (line) => lines.push(line));
    log.warn("model first-client-key-77 refused", {
      model: "second-client-key-88",
      detail: "body had the-admin-key-99 and GOCSPX-client-secret-11",
    });
    const text = lines.join("\n");
    for (const secret of [
      "first-client-key-77",
      "second-client-key-88",
      "the-admin-key-99",
      "GOCSPX-client-secret-11",
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("model [redacted] refused");
  });
});
