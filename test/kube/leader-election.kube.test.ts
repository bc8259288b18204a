/**
 * Leader election against the real API server: candidates in this process (and one in a child
 * process, to be killed), short durations (lease 3 s, renew deadline 2 s, retry 0.5 s), one
 * namespace per test. Each candidate records its terms of leadership from the callbacks, so every
 * test can check that no two terms ever overlapped.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { LeaderElector } from "../../src/operator/leader-election.ts";
import { systemClock } from "../../src/time/clock.ts";
import { type CapturedLog, captureLog } from "../support/captured-log.ts";
import { waitFor } from "../support/wait-for.ts";
import { useKubeServer } from "./support/kube-fixture.ts";
import { type StreamingTool, streamProcess } from "./support/run-tool.ts";

const kube = useKubeServer();

const LEASE = "grantpool-operator";
const TIMING = { leaseDurationSeconds: 3, renewDeadlineSeconds: 2, retryPeriodSeconds: 0.5 } as const;
const LEASE_MS = TIMING.leaseDurationSeconds * 1000;
const RENEW_DEADLINE_MS = TIMING.renewDeadlineSeconds * 1000;
/** A follower's longest pause between attempts (retry period with its 20 % jitter). */
const FOLLOWER_PAUSE_MS = TIMING.retryPeriodSeconds * 1000 * 1.2;
const TEST_TIMEOUT_MS = 60_000;
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

interface Term {
  readonly startedAt: number;
  stoppedAt: number | undefined;
}

interface Candidate extends AsyncDisposable {
  readonly identity: string;
  readonly elector: LeaderElector;
  readonly terms: readonly Term[];
  readonly log: CapturedLog;
  /** Between onStartedLeading and onStoppedLeading. */
  readonly leading: boolean;
}

interface LeaseJson {
  readonly spec: {
    readonly holderIdentity?: string;
    readonly leaseDurationSeconds?: number;
    readonly acquireTime?: string;
    readonly renewTime?: string;
    readonly leaseTransitions?: number;
  };
}

function kubeConfig(context: string): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  config.loadFromFile(kube.env.kubeconfig);
  config.setCurrentContext(context);
  return config;
}

interface CandidateOptions {
  readonly context?: string;
  /** Extra work in onStoppedLeading, as the operator's draining of its work queue. */
  readonly whileStopping?: () => Promise<void>;
}

function startCandidate(namespace: string, identity: string, options: CandidateOptions = {}): Candidate {
  const terms: Term[] = [];
  const log = captureLog();
  const elector = new LeaderElector({
    kubeConfig: kubeConfig(options.context ?? "admin"),
    namespace,
    name: LEASE,
    identity,
    ...TIMING,
    clock: systemClock,
    log: log.logger,
    onStartedLeading: () => {
      terms.push({ startedAt: Date.now(), stoppedAt: undefined });
    },
    onStoppedLeading: async () => {
      const term = terms.at(-1);
      if (term !== undefined) term.stoppedAt = Date.now();
      await options.whileStopping?.();
    },
  });
  const running = elector.run();
  return {
    identity,
    elector,
    terms,
    log,
    get leading() {
      const term = terms.at(-1);
      return term !== undefined && term.stoppedAt === undefined;
    },
    async [Symbol.asyncDispose]() {
      await elector.stop();
      await running;
    },
  };
}

/** No two terms of leadership, of any candidates, overlap. */
function expectNoOverlap(candidates: readonly Candidate[]): void {
  const terms = candidates
    .flatMap((candidate) => candidate.terms.map((term) => ({ ...term, identity: candidate.identity })))
    .sort((a, b) => a.startedAt - b.startedAt);
  for (let i = 1; i < terms.length; i += 1) {
    const previous = terms[i - 1];
    const next = terms[i];
    if (previous === undefined || next === undefined) continue;
    const overlap = `${previous.identity}'s term [${previous.startedAt}, ${previous.stoppedAt}] and ${next.identity}'s from ${next.startedAt}`;
    expect(previous.stoppedAt, overlap).toBeDefined();
    expect(previous.stoppedAt ?? Number.POSITIVE_INFINITY, overlap).toBeLessThanOrEqual(next.startedAt);
  }
}

async function readLease(namespace: string): Promise<LeaseJson> {
  const run = await kube.kubectl(["get", "lease", LEASE, "-n", namespace, "-o", "json"]);
  if (run.code !== 0) throw new Error(`kubectl get lease: ${run.stderr}`);
  return JSON.parse(run.stdout) as LeaseJson;
}

function microTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "000Z");
}

function leaders(candidates: readonly Candidate[]): Candidate[] {
  return candidates.filter((candidate) => candidate.leading);
}

async function waitForLeader(candidates: readonly Candidate[], timeoutMs = 10_000): Promise<Candidate> {
  return waitFor(() => (leaders(candidates).length === 1 ? leaders(candidates)[0] : undefined), {
    timeoutMs,
    message: () => `one leader among ${candidates.map((c) => c.identity).join(", ")}`,
  });
}

/** Waits until the Lease, held by `holder` throughout, showed `count` more renewTimes. */
async function waitForRenewals(namespace: string, holder: string, count: number): Promise<void> {
  const seen = new Set<string>();
  await waitFor(
    async () => {
      const { spec } = await readLease(namespace);
      expect(spec.holderIdentity).toBe(holder);
      seen.add(spec.renewTime ?? "");
      return seen.size > count;
    },
    { timeoutMs: 5000, intervalMs: 50, message: `${count} renewals by ${holder}` },
  );
}

describe("leader election on a Lease", () => {
  test(
    "one of two candidates leads, and the Lease records it with MicroTimes and renews",
    async () => {
      const ns = await kube.createNamespace("le-one");
      await using a = startCandidate(ns, "replica-a");
      await using b = startCandidate(ns, "replica-b");
      const leader = await waitForLeader([a, b]);
      const follower = leader === a ? b : a;

      const lease = await readLease(ns);
      expect(lease.spec.holderIdentity).toBe(leader.identity);
      expect(lease.spec.leaseDurationSeconds).toBe(3);
      expect(lease.spec.leaseTransitions).toBe(0);
      expect(lease.spec.acquireTime).toMatch(MICRO_TIME);
      expect(lease.spec.renewTime).toMatch(MICRO_TIME);

      const renewed = await waitFor(
        async () => {
          const now = await readLease(ns);
          return now.spec.renewTime !== lease.spec.renewTime ? now : undefined;
        },
        { timeoutMs: 5000, intervalMs: 100, message: "the leader to renew the Lease" },
      );
      expect(renewed.spec.holderIdentity).toBe(leader.identity);
      expect(renewed.spec.acquireTime).toBe(lease.spec.acquireTime as string);
      expect(renewed.spec.leaseTransitions).toBe(0);
      expect(follower.terms).toEqual([]);
      expect(leader.terms).toHaveLength(1);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "stop() releases the Lease after onStoppedLeading, and the follower takes over at once",
    async () => {
      const ns = await kube.createNamespace("le-stop");
      const holdersWhileStopping: Array<string | undefined> = [];
      await using a = startCandidate(ns, "replica-a", {
        whileStopping: async () => {
          holdersWhileStopping.push((await readLease(ns)).spec.holderIdentity);
        },
      });
      const aLeads = await waitForLeader([a]);
      await using b = startCandidate(ns, "replica-b");
      // b has looked at the Lease (and found it held) before a goes.
      await waitFor(() => b.log.lines.some((line) => line.includes("new holder")), {
        message: "b to see a's Lease",
      });

      const stoppedAt = Date.now();
      await aLeads.elector.stop();
      expect(a.leading).toBe(false);
      // The Lease stays a's until its work has stopped; only then is it released.
      expect(holdersWhileStopping).toEqual(["replica-a"]);
      await waitForLeader([a, b], 5000);
      const handover = (b.terms[0]?.startedAt ?? Number.NaN) - stoppedAt;
      expect(handover).toBeLessThan(FOLLOWER_PAUSE_MS + 1000);
      expect(handover).toBeLessThan(LEASE_MS);
      expectNoOverlap([a, b]);

      const lease = await readLease(ns);
      expect(lease.spec.holderIdentity).toBe("replica-b");
      expect(lease.spec.leaseTransitions).toBe(1);
      expect(a.log.messages("info")).toContain("leader election: released the Lease");
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "when the leader's process is killed the follower takes over once the lease has expired",
    async () => {
      const ns = await kube.createNamespace("le-kill");
      await using doomed = spawnCandidate(ns, "replica-doomed");
      await waitFor(() => doomed.lines.includes("started-leading"), {
        timeoutMs: 15_000,
        message: () => `the child to lead (output ${JSON.stringify(doomed.lines)})`,
      });
      await using follower = startCandidate(ns, "replica-follower");
      await waitFor(() => follower.log.lines.some((line) => line.includes("new holder")), {
        message: "the follower to see the child's Lease",
      });

      doomed.child.kill("SIGKILL");
      await doomed.child.exited;
      const killedAt = Date.now();
      const lastRenew = Date.parse((await readLease(ns)).spec.renewTime ?? "");
      expect(doomed.lines).not.toContain("stopped-leading");

      await waitForLeader([follower], LEASE_MS + 5000);
      const tookOverAt = follower.terms[0]?.startedAt ?? Number.NaN;
      // Never before the lease ran out after the last renew it saw; not much later either.
      expect(tookOverAt).toBeGreaterThanOrEqual(lastRenew + LEASE_MS);
      expect(tookOverAt - killedAt).toBeLessThan(LEASE_MS + 2 * FOLLOWER_PAUSE_MS + 1000);

      const lease = await readLease(ns);
      expect(lease.spec.holderIdentity).toBe("replica-follower");
      expect(lease.spec.leaseTransitions).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "only one candidate leads at any moment, sampled through contested start and two handovers",
    async () => {
      const ns = await kube.createNamespace("le-sample");
      const candidates = ["replica-a", "replica-b", "replica-c"].map((id) => startCandidate(ns, id));
      const samples: number[] = [];
      const sampler = setInterval(() => samples.push(leaders(candidates).length), 2);
      try {
        // Each leader renews twice before it goes, so the followers had time to interfere.
        const first = await waitForLeader(candidates);
        await waitForRenewals(ns, first.identity, 2);
        await first.elector.stop();
        const second = await waitForLeader(candidates);
        expect(second).not.toBe(first);
        await waitForRenewals(ns, second.identity, 2);
        await second.elector.stop();
        const third = await waitForLeader(candidates);
        expect([first, second]).not.toContain(third);
        await waitForRenewals(ns, third.identity, 2);
      } finally {
        clearInterval(sampler);
        for (const candidate of candidates) await candidate[Symbol.asyncDispose]();
      }
      expect(samples.length).toBeGreaterThan(100);
      expect(Math.max(...samples)).toBe(1);
      expectNoOverlap(candidates);
      expect((await readLease(ns)).spec.leaseTransitions).toBe(2);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "a leader cut off from the API server stops leading before its successor starts",
    async () => {
      const ns = await kube.createNamespace("le-cut");
      await grantLeases(ns, "alice", "--user=alice");
      await grantLeases(ns, "robot", "--serviceaccount=grantpool-test:robot");
      await using alice = startCandidate(ns, "alice", { context: "alice" });
      await waitForLeader([alice], 15_000);
      await using robot = startCandidate(ns, "robot", { context: "robot" });
      await waitFor(() => robot.log.lines.some((line) => line.includes("new holder")), {
        timeoutMs: 15_000,
        message: "robot to see alice's Lease",
      });

      // alice's process keeps running, but its requests are now refused (403), as in a partition.
      expect((await kube.kubectl(["delete", "rolebinding", "alice", "-n", ns])).code).toBe(0);
      await waitForLeader([robot], 20_000);

      const aliceTerm = alice.terms[0];
      const robotTerm = robot.terms[0];
      expect(alice.terms).toHaveLength(1);
      expect(aliceTerm?.stoppedAt).toBeDefined();
      // alice gives up after the renew deadline; robot waits the whole lease: the gap is their difference.
      const gap = (robotTerm?.startedAt ?? 0) - (aliceTerm?.stoppedAt ?? Number.POSITIVE_INFINITY);
      expect(gap).toBeGreaterThan((LEASE_MS - RENEW_DEADLINE_MS) / 2);
      expect(alice.log.records.some((r) => String(r.fields.reason).includes("no renew succeeded"))).toBe(
        true,
      );
      expectNoOverlap([alice, robot]);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "a Lease written by someone else with kubectl is respected until it expires",
    async () => {
      const ns = await kube.createNamespace("le-kubectl");
      const held = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: LEASE, namespace: ns },
        spec: {
          holderIdentity: "someone-else",
          leaseDurationSeconds: 3,
          acquireTime: microTime(Date.now()),
          renewTime: microTime(Date.now()),
          leaseTransitions: 5,
        },
      };
      expect((await kube.kubectl(["apply", "-f", "-"], { stdin: JSON.stringify(held) })).code).toBe(0);

      const startedAt = Date.now();
      await using a = startCandidate(ns, "replica-a");
      await waitForLeader([a], LEASE_MS + 5000);
      expect(a.terms[0]?.startedAt).toBeGreaterThanOrEqual(startedAt + LEASE_MS);
      const taken = await readLease(ns);
      expect(taken.spec.holderIdentity).toBe("replica-a");
      expect(taken.spec.leaseTransitions).toBe(6);

      // Someone takes the Lease away from the leader: it steps down, and waits for expiry again.
      const patchedAt = Date.now();
      const intruder = {
        spec: { holderIdentity: "intruder", renewTime: microTime(Date.now()), leaseDurationSeconds: 3 },
      };
      const patch = await kube.kubectl([
        "patch",
        "lease",
        LEASE,
        "-n",
        ns,
        "--type=merge",
        "-p",
        JSON.stringify(intruder),
      ]);
      expect(patch.stderr).toBe("");
      await waitFor(() => !a.leading, {
        timeoutMs: RENEW_DEADLINE_MS + 1000,
        message: "the leader to step down",
      });
      expect((a.terms[0]?.stoppedAt ?? Number.NaN) - patchedAt).toBeLessThan(RENEW_DEADLINE_MS);
      expect((await readLease(ns)).spec.holderIdentity).toBe("intruder");

      await waitFor(() => a.terms.length === 2, {
        timeoutMs: LEASE_MS + 5000,
        message: "the leader to return",
      });
      expect(a.terms[1]?.startedAt).toBeGreaterThanOrEqual(patchedAt + LEASE_MS);
      expect((await readLease(ns)).spec.leaseTransitions).toBe(7);
    },
    TEST_TIMEOUT_MS,
  );
});

/** A Role allowing exactly what leader election needs, bound to one subject. */
async function grantLeases(namespace: string, name: string, subject: string): Promise<void> {
  const role = await kube.kubectl(["get", "role", "lease-holder", "-n", namespace]);
  if (role.code !== 0) {
    const created = await kube.kubectl([
      "create",
      "role",
      "lease-holder",
      "-n",
      namespace,
      "--verb=get,create,update",
      "--resource=leases.coordination.k8s.io",
    ]);
    expect(created.stderr).toBe("");
  }
  const bound = await kube.kubectl([
    "create",
    "rolebinding",
    name,
    "-n",
    namespace,
    "--role=lease-holder",
    subject,
  ]);
  expect(bound.stderr).toBe("");
}

/** A candidate in a process of its own, so it can die without a word, as a crashed replica does. */
/** Its lines: "started-leading", "stopped-leading". */
function spawnCandidate(namespace: string, identity: string): StreamingTool {
  const root = join(import.meta.dir, "..", "..");
  const script = `
    import * as k8s from "@kubernetes/client-node";
    import { LeaderElector } from ${JSON.stringify(join(root, "src/operator/leader-election.ts"))};
    import { silentLogger } from ${JSON.stringify(join(root, "src/log/logger.ts"))};
    import { systemClock } from ${JSON.stringify(join(root, "src/time/clock.ts"))};
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromFile(${JSON.stringify(kube.env.kubeconfig)});
    kubeConfig.setCurrentContext("admin");
    const elector = new LeaderElector({
      kubeConfig, namespace: ${JSON.stringify(namespace)}, name: ${JSON.stringify(LEASE)},
      identity: ${JSON.stringify(identity)}, ...${JSON.stringify(TIMING)},
      clock: systemClock, log: silentLogger,
      onStartedLeading: () => { console.log("started-leading"); },
      onStoppedLeading: () => { console.log("stopped-leading"); },
    });
    await elector.run();
  `;
  return streamProcess([process.execPath, "--eval", script], { cwd: root, killSignal: "SIGKILL" });
}
