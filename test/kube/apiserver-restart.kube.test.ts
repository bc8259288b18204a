/**
 * Restarting the API server mid-run (issue 5): two proxy replicas and one operator against three
 * Accounts, on a server of this file's own (its etcd keeps its data, its ports and certificates
 * stay, so the processes' kubeconfigs stay valid). A disable decided while the server is down
 * reaches the Account once it is back; a rotation followed at once by a restart recovers the
 * Account in both replicas; changes made after the restarts still reach every process.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ProxyProcess } from "../support/proxy-process.ts";
import { waitFor } from "../support/wait-for.ts";
import { useKubeServer } from "./support/kube-fixture.ts";
import { askInTurn, logsMentioning, waitUntilUnusedBy } from "./support/kube-restart-story.ts";
import { type KubeStory, startCast, startKubeStory, waitUntilServedBy } from "./support/kube-story.ts";

/** Never the shared server: this file stops and restarts it. */
const kube = useKubeServer({ own: true });
let story: KubeStory;
let replicas: ProxyProcess[];
let tokens = new Map<string, string>();
const NAMES = ["ada", "bob", "cy"];
/** The informers retry every few hundred ms; the server takes about 3 s to come back. */
const CONVERGE_MS = 30_000;

beforeAll(async () => {
  story = await startKubeStory(kube, "restart");
  ({ tokens, replicas } = await startCast(story, NAMES));
}, 120_000);

afterAll(async () => {
  await story?.[Symbol.asyncDispose]();
});

const idOf = (name: string) => `${story.ns}/${name}`;
const bobLogs = () => logsMentioning(story.processes, "bob");

describe("an API-server restart mid-run", () => {
  test("a disable decided while the API server is down reaches the Account once it is back", async () => {
    await kube.pauseServer();
    try {
      story.google.revoke(tokens.get("bob") ?? "");
      story.google.expireAccessTokens();
      // The pool serves from memory: the other accounts answer although the API server is gone.
      const replies = await askInTurn(replicas, 12);
      expect(replies.map((r) => r.status)).toEqual(Array(12).fill(200));
      expect(replies.map((r) => r.account)).not.toContain(idOf("bob"));
    } finally {
      await kube.resumeServer();
    }
    const resumed = Date.now();
    await waitFor(async () => (await story.status("bob")).disabled === true, {
      timeoutMs: CONVERGE_MS,
      message: () => `bob's status to say disabled; the processes' log lines on bob:\n${bobLogs()}`,
    });
    console.error(`apiserver-restart: the disable landed ${Date.now() - resumed} ms after the restart`);
    const status = await story.status("bob");
    expect(status.disabledReason).toStartWith("invalid_grant:");
    expect(status.disabledTokenHash).toBeDefined();
    expect(status.conditions?.find((c) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "InvalidGrant",
    });
    const events = await story.events("AccountDisabled");
    expect(events.filter((e) => e.involvedObject.name === "bob")).toHaveLength(1);
    await waitUntilUnusedBy(replicas, idOf("bob"), 5_000);
  }, 90_000);

  test("a Secret rotated just before a restart recovers the Account in both replicas", async () => {
    const fresh = story.google.mintRefreshToken("bob@example.com");
    await story.rotateSecret("bob", fresh);
    await kube.restartServer();
    const restarted = Date.now();
    await waitFor(
      async () => {
        const ready = await story.ready("bob");
        return ready?.status === "True" && ready.reason === "TokenRotated";
      },
      {
        timeoutMs: CONVERGE_MS,
        message: () => `bob Ready=True/TokenRotated; log lines on bob:\n${bobLogs()}`,
      },
    );
    expect((await story.status("bob")).disabled).toBeUndefined();
    for (const replica of replicas) await waitUntilServedBy(replica, idOf("bob"), CONVERGE_MS);
    console.error(
      `apiserver-restart: both replicas serve bob ${Date.now() - restarted} ms after the restart`,
    );
  }, 90_000);

  test("changes made after the restarts reach both replicas through the resumed watches", async () => {
    await kube.restartServer();
    const patch = (disabled: boolean) =>
      kube.kubectl([
        "patch",
        "account",
        "ada",
        "-n",
        story.ns,
        "--type=merge",
        "-p",
        JSON.stringify({ spec: { proxyDisabled: disabled } }),
      ]);
    expect((await patch(true)).code).toBe(0);
    await waitUntilUnusedBy(replicas, idOf("ada"), CONVERGE_MS);
    expect((await patch(false)).code).toBe(0);
    for (const replica of replicas) await waitUntilServedBy(replica, idOf("ada"), CONVERGE_MS);
  }, 90_000);
});
