import { describe, expect, test } from "bun:test";
import { observeAccountStates } from "../../../src/telemetry/account-states-gauge.ts";
import { createInMemoryTelemetry } from "../../support/in-memory-telemetry.ts";

describe("observeAccountStates", () => {
  test("reports every state, zeros included, as the counts are at the scrape", async () => {
    const t = createInMemoryTelemetry();
    let active = 2;
    observeAccountStates(t.telemetry.meter, () => ({ active, disabled: 1, proxy_disabled: 0, cooldown: 0 }));
    expect(await t.telemetry.scrape?.()).toContain(
      'grantpool_accounts{state="active",otel_scope_name="grantpool"} 2',
    );
    active = 1;
    const text = await t.telemetry.scrape?.();
    expect(text).toContain('grantpool_accounts{state="active",otel_scope_name="grantpool"} 1');
    expect(text).toContain('grantpool_accounts{state="proxy_disabled",otel_scope_name="grantpool"} 0');
  });

  test("a failing count leaves the gauge out of that scrape instead of failing it", async () => {
    const t = createInMemoryTelemetry();
    t.telemetry.metrics.recoveries.add(1);
    observeAccountStates(t.telemetry.meter, () => {
      throw new Error("pool gone");
    });
    const text = await t.telemetry.scrape?.();
    expect(text).toContain("grantpool_account_recoveries_total");
    expect(text).not.toContain("grantpool_accounts{");
  });

  test("stops observing when told to", async () => {
    const t = createInMemoryTelemetry();
    const stop = observeAccountStates(t.telemetry.meter, () => ({
      active: 1,
      disabled: 0,
      proxy_disabled: 0,
      cooldown: 0,
    }));
    stop();
    expect(await t.telemetry.scrape?.()).not.toContain("grantpool_accounts{");
  });
});
