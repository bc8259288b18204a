/**
 * The rotation race (SPEC §8.2): a replica whose refresh with the old token fails after the
 * Secret was rotated must not disable the Account — it uses the new token instead.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ProxyProcess } from "../support/proxy-process.ts";
import { waitFor } from "../support/wait-for.ts";
import { useKubeServer } from "./support/kube-fixture.ts";
import { ask, type KubeStory, startKubeStory } from "./support/kube-story.ts";

const kube = useKubeServer();
let story: KubeStory;
let proxy: ProxyProcess;
let oldToken = "";

beforeAll(async () => {
  story = await startKubeStory(kube, "race");
  oldToken = story.google.addIdentity({ email: "ada@example.com" });
  await story.addAccount("ada", oldToken);
  await story.startOperator();
  await waitFor(async () => (await story.ready("ada"))?.status === "True", {
    timeoutMs: 10_000,
    message: "ada Ready",
  });
  proxy = await story.startProxy();
}, 120_000);

afterAll(async () => {
  await story?.[Symbol.asyncDispose]();
});

describe("the rotation race", () => {
  test("a refresh that fails with the old token after the Secret was rotated does not disable the account", async () => {
    story.google.expireAccessTokens();
    const gate = story.google.holdRefreshes();
    const pending = ask(proxy);
    await gate.waitFor(1);
    const newToken = story.google.mintRefreshToken("ada@example.com");
    await story.rotateSecret("ada", newToken);
    story.google.revoke(oldToken);
    gate.release();
    expect(await pending).toMatchObject({ status: 200, account: `${story.ns}/ada` });
    expect((await story.status("ada")).disabled).toBeUndefined();
    expect(await story.events("AccountDisabled")).toEqual([]);
    expect(proxy.logLines.some((l) => l.includes("Disabling account due to invalid_grant"))).toBe(false);
    expect(story.google.refreshCallsFor(newToken)).toBeGreaterThanOrEqual(1);
  });
});
