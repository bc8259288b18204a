/**
 * The story on Kubernetes (issue 5): two proxy replicas and one operator against three Accounts.
 * A revoked token disables its Account once, clients keep getting answers; rotating the Secret
 * recovers it in both replicas within two seconds, with no restart; rotating in another dead
 * token keeps it disabled, saying so.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sampleSum } from "../support/prometheus-text.ts";
import type { ProxyProcess } from "../support/proxy-process.ts";
import { waitFor } from "../support/wait-for.ts";
import { useKubeServer } from "./support/kube-fixture.ts";
import { ask, type KubeStory, startCast, startKubeStory, waitUntilServedBy } from "./support/kube-story.ts";

const kube = useKubeServer();
let story: KubeStory;
let replicas: ProxyProcess[];
let operator: ProxyProcess;
let tokens = new Map<string, string>();
const NAMES = ["ada", "bob", "cy"];

beforeAll(async () => {
  story = await startKubeStory(kube, "story");
  ({ tokens, replicas, operator } = await startCast(story, NAMES));
}, 120_000);

afterAll(async () => {
  await story?.[Symbol.asyncDispose]();
});

const bobId = () => `${story.ns}/bob`;

describe("Kubernetes mode", () => {
  test("the operator verifies each Account: Ready=True/Active with the token's email", async () => {
    const status = await story.status("ada");
    expect(status.email).toBe("ada@example.com");
    expect(status.conditions?.find((c) => c.type === "Ready")).toMatchObject({
      status: "True",
      reason: "Active",
    });
  });

  test("a revoked token disables its Account once while every request still succeeds", async () => {
    story.google.revoke(tokens.get("bob") ?? "");
    story.google.expireAccessTokens();
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => ask(replicas[i % 2] as ProxyProcess)),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(12).fill(200));
    await waitFor(async () => (await story.status("bob")).disabled === true, {
      timeoutMs: 10_000,
      message: "bob disabled",
    });
    const status = await story.status("bob");
    expect(status.disabledAt).toBeDefined();
    expect(status.disabledReason).toStartWith("invalid_grant:");
    expect(status.conditions?.find((c) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "InvalidGrant",
    });
    const events = await story.events("AccountDisabled");
    expect(events.filter((e) => e.involvedObject.name === "bob")).toHaveLength(1);
    for (let i = 0; i < 8; i++)
      expect((await ask(replicas[i % 2] as ProxyProcess)).account).not.toBe(bobId());
  });

  test("rotating the Secret recovers the Account in both replicas within two seconds", async () => {
    const fresh = story.google.mintRefreshToken("bob@example.com");
    await story.rotateSecret("bob", fresh);
    const rotated = Date.now();
    await waitFor(async () => (await story.ready("bob"))?.reason === "TokenRotated", {
      timeoutMs: 5_000,
      message: "TokenRotated",
    });
    const status = await story.status("bob");
    expect(status.disabled).toBeUndefined();
    expect(status.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    expect(
      (await story.events("AccountRecovered")).filter((e) => e.involvedObject.name === "bob"),
    ).toHaveLength(1);
    for (const replica of replicas) await waitUntilServedBy(replica, bobId(), 2_000);
    expect(Date.now() - rotated).toBeLessThan(4_000);
  });

  test("metrics: one disable across the replicas, a recovery in each, and the operator's view of the Accounts", async () => {
    const scrape = async (process: ProxyProcess) => (await fetch(`${process.url}/metrics`)).text();
    const [first, second] = await Promise.all(replicas.map(scrape));
    const disables = (text = "") =>
      sampleSum(text, "grantpool_account_disables_total", { reason: "invalid_grant" }) ?? 0;
    expect(disables(first) + disables(second)).toBe(1);
    for (const text of [first, second]) {
      expect(
        sampleSum(text ?? "", "grantpool_account_recoveries_total", { grantpool_account_id: bobId() }),
      ).toBe(1);
      expect(sampleSum(text ?? "", "grantpool_accounts", { state: "active" })).toBe(3);
      expect(text).toContain('k8s_namespace_name="');
    }
    await waitFor(
      async () => sampleSum(await scrape(operator), "grantpool_accounts", { state: "active" }) === 3,
      {
        timeoutMs: 5_000,
        message: "the operator to count three active Accounts",
      },
    );
    const fromOperator = await scrape(operator);
    expect(fromOperator).toContain('grantpool_mode="operator"');
    expect(
      sampleSum(fromOperator, "grantpool_operator_reconciles_total", { result: "success" }),
    ).toBeGreaterThan(0);
    expect(
      sampleSum(fromOperator, "grantpool_token_refreshes_total", { outcome: "success" }),
    ).toBeGreaterThanOrEqual(4);
  });

  test("rotating in another revoked token keeps the Account disabled, saying so", async () => {
    story.google.revoke(tokens.get("bob") ?? "");
    const dead = story.google.mintRefreshToken("bob@example.com");
    story.google.revoke(dead);
    // First make it disabled again through the proxies, then rotate to a token that is dead too.
    story.google.expireAccessTokens();
    const current = story.google.mintRefreshToken("bob@example.com");
    await story.rotateSecret("bob", current);
    await waitFor(async () => (await story.ready("bob"))?.status === "True", { timeoutMs: 5_000 });
    story.google.revoke(current);
    story.google.expireAccessTokens();
    await waitFor(
      async () => {
        await Promise.all(replicas.map((r) => ask(r)));
        return (await story.status("bob")).disabled === true;
      },
      { timeoutMs: 10_000, message: "bob disabled again" },
    );
    await story.rotateSecret("bob", dead);
    await waitFor(
      async () => (await story.status("bob")).disabledReason?.includes("also rejected") === true,
      {
        timeoutMs: 5_000,
        message: "the reason to say the rotated token was rejected too",
      },
    );
    expect((await story.status("bob")).disabled).toBe(true);
  });
});
