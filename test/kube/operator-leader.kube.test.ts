/**
 * Two operator replicas with --leader-elect: only the holder of the Lease writes Account status;
 * killing it hands the work over within the Lease duration.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ProxyProcess } from "../support/proxy-process.ts";
import { waitFor } from "../support/wait-for.ts";
import { useKubeServer } from "./support/kube-fixture.ts";
import { type KubeStory, startKubeStory } from "./support/kube-story.ts";

const kube = useKubeServer();
let story: KubeStory;
let operators: ProxyProcess[];
const LEASE_SECONDS = 3;
const ELECTION = [
  "--leader-elect",
  "--lease-duration",
  `${LEASE_SECONDS}`,
  "--renew-deadline",
  "2",
  "--retry-period",
  "0.5",
];

const wrote = (operator: ProxyProcess, account: string) =>
  operator.logLines.some((line) => line.includes(`Wrote the status of Account ${story.ns}/${account}`));

async function holder(): Promise<string> {
  const run = await kube.kubectl([
    "get",
    "lease",
    "grantpool-operator",
    "-n",
    story.ns,
    "-o",
    "jsonpath={.spec.holderIdentity}",
  ]);
  return run.stdout;
}

beforeAll(async () => {
  story = await startKubeStory(kube, "leader");
  operators = [await story.startOperator({}, ELECTION), await story.startOperator({}, ELECTION)];
  await waitFor(async () => (await holder()) !== "", { timeoutMs: 10_000, message: "a leader" });
}, 120_000);

afterAll(async () => {
  await story?.[Symbol.asyncDispose]();
});

function leaderAndFollower(identity: string): [ProxyProcess, ProxyProcess] {
  const [a, b] = operators as [ProxyProcess, ProxyProcess];
  return identity.endsWith(`-${a.child.pid}`) ? [a, b] : [b, a];
}

describe("operator leader election", () => {
  test("only the Lease holder writes status", async () => {
    const [leader, follower] = leaderAndFollower(await holder());
    await story.addAccount("ada", story.google.addIdentity({ email: "ada@example.com" }));
    await waitFor(async () => (await story.ready("ada"))?.status === "True", {
      timeoutMs: 10_000,
      message: "ada Ready",
    });
    expect(wrote(leader, "ada")).toBe(true);
    expect(wrote(follower, "ada")).toBe(false);
  });

  test("killing the leader hands over within the Lease duration", async () => {
    const [leader, follower] = leaderAndFollower(await holder());
    leader.child.kill("SIGKILL");
    const killed = Date.now();
    await waitFor(async () => (await holder()).endsWith(`-${follower.child.pid}`), {
      timeoutMs: 3 * LEASE_SECONDS * 1000,
      message: "the follower to take the Lease",
    });
    expect(Date.now() - killed).toBeLessThan((LEASE_SECONDS + 2) * 1000);
    await story.addAccount("bob", story.google.addIdentity({ email: "bob@example.com" }));
    await waitFor(async () => (await story.ready("bob"))?.status === "True", {
      timeoutMs: 10_000,
      message: "bob Ready",
    });
    expect(wrote(follower, "bob")).toBe(true);
  });
});
