/**
 * The quota on `/metrics` of a real proxy process (code-assist profile, quota protection at 10%,
 * the emulator as Cloud Code): its first sweep fetches every account's quota, and the gauges and
 * the protection counter show it, by account and model group.
 */
import { describe, expect, test } from "bun:test";
import { startCliFixture } from "../../support/cli-fixture.ts";
import { sampleSum } from "../../support/prometheus-text.ts";
import { startProxyProcess } from "../../support/proxy-process.ts";
import { runCli } from "../../support/run-cli.ts";
import { waitFor } from "../../support/wait-for.ts";

describe("quota metrics", () => {
  test("a proxy's first sweep shows quota left, reset times and protections by group", async () => {
    await using fixture = await startCliFixture({
      GRANTPOOL_UPSTREAM_PROFILE: "code-assist",
      GRANTPOOL_QUOTA_PROTECTION: "10",
    });
    for (const email of ["alice@example.com", "bob@example.com"]) {
      const token = fixture.google.addIdentity({ email });
      expect((await runCli(["accounts", "add", "--refresh-token", token], { env: fixture.env })).code).toBe(
        0,
      );
    }
    for (const model of ["claude-sonnet-4-5", "claude-sonnet-4-5-thinking", "claude-opus-4-5-thinking"])
      fixture.google.setQuota("alice@example.com", model, { remainingFraction: 0.05 });
    await using proxy = await startProxyProcess(fixture.env);
    const text = await waitFor(
      async () => {
        const body = await (await fetch(`${proxy.url}/metrics`)).text();
        // The first sweep fetches both accounts at once: wait until both have their quota.
        const both =
          sampleSum(body, "grantpool_account_quota_remaining", { group: "gemini-3-flash" }) === 200;
        const counted =
          sampleSum(body, "grantpool_account_quota_protections_total", { group: "claude" }) === 1;
        return both && counted && body;
      },
      { message: "both accounts' quota and the protection counter" },
    );
    expect(sampleSum(text, "grantpool_account_quota_remaining", { group: "claude" })).toBe(105);
    expect(sampleSum(text, "grantpool_account_quota_remaining", { group: "gemini-3-flash" })).toBe(200);
    expect(sampleSum(text, "grantpool_account_quota_protected", { group: "claude" })).toBe(1);
    expect(sampleSum(text, "grantpool_account_quota_protected", { group: "gemini-3-flash" })).toBe(0);
    const resetAt = sampleSum(text, "grantpool_account_quota_reset_time", { group: "claude" }) ?? 0;
    expect(resetAt / 2).toBeGreaterThan(Date.now() / 1000);
    expect(text).not.toContain("alice@example.com");
  });
});
