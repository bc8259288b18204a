/**
 * The invalid_grant story on real pods (issue 12): `helm install` of the real chart and image on a
 * one-node cluster (test/kube, node mode), in a namespace enforcing the restricted Pod Security
 * Standard. Clients call the proxy through its Service; a revoked token disables its Account once
 * while every call is still answered; rotating the Secret with kubectl brings it back in every
 * proxy pod, without a restart; the operator's Lease moves when its leader pod is deleted; a
 * `helm upgrade` rolls the proxy without failing a call; `helm uninstall` keeps the CRD and the
 * Accounts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sampleSum } from "../support/prometheus-text.ts";
import { waitFor } from "../support/wait-for.ts";
import { CHART_DIR, valuesFile } from "./support/grantpool-chart.ts";
import { useKubeNode } from "./support/kube-node-fixture.ts";
import type { AccountStatusView } from "./support/kube-story.ts";
import { type NodeEmulator, startNodeEmulator } from "./support/node-emulator.ts";
import {
  accountOf,
  applyAccounts,
  ask,
  helmOk,
  installRelease,
  isReady,
  kubectlOk,
  OPERATOR,
  PROXY,
  pods,
  RELEASE,
  restrictedNamespace,
  serviceUrl,
  storyValues,
} from "./support/node-story.ts";

const node = useKubeNode();
const NAMES = ["ada", "bob", "cy"];
let emulator: NodeEmulator;
let ns: string;
let service: string;
const tokens = new Map<string, string>();

const status = async (name: string): Promise<AccountStatusView> =>
  (
    JSON.parse(await kubectlOk(node, ["get", "account", name, "-n", ns, "-o", "json"])) as {
      status?: AccountStatusView;
    }
  ).status ?? {};
const events = async (reason: string): Promise<{ involvedObject: { name: string } }[]> =>
  (
    JSON.parse(
      await kubectlOk(node, [
        "get",
        "events",
        "-n",
        ns,
        "--field-selector",
        `reason=${reason}`,
        "-o",
        "json",
      ]),
    ) as { items: { involvedObject: { name: string } }[] }
  ).items;
const bobId = () => `${ns}/bob`;

beforeAll(async () => {
  emulator = await startNodeEmulator(node.network);
  ns = await restrictedNamespace(node, "node-story");
  await installRelease(node, ns, storyValues(emulator));
  for (const name of NAMES) tokens.set(name, await emulator.mintToken(`${name}@example.com`));
  await applyAccounts(node, ns, tokens);
  for (const name of NAMES) {
    await waitFor(
      async () => (await status(name)).conditions?.find((c) => c.type === "Ready")?.status === "True",
      {
        timeoutMs: 20_000,
        message: `${name} Ready`,
      },
    );
  }
  service = await serviceUrl(node, ns);
}, 240_000);

afterAll(async () => {
  await emulator?.[Symbol.asyncDispose]();
});

describe("the story on a real node", () => {
  test("two proxy and two operator pods run Ready under the chart's ServiceAccounts in a restricted namespace, their logs readable", async () => {
    const labels = JSON.parse(
      await kubectlOk(node, ["get", "namespace", ns, "-o", "jsonpath={.metadata.labels}"]),
    );
    expect(labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    for (const [component, account] of [
      ["proxy", PROXY],
      ["operator", OPERATOR],
    ] as const) {
      const running = await pods(node, ns, component);
      expect(running).toHaveLength(2);
      for (const pod of running) {
        expect(isReady(pod)).toBe(true);
        expect(pod.spec.serviceAccountName).toBe(account);
      }
    }
    // The API server reaches the kubelet (at the node's InternalIP) for a pod's log.
    const [proxy] = await pods(node, ns, "proxy");
    const log = await kubectlOk(node, ["logs", "-n", ns, proxy?.metadata.name ?? ""]);
    expect(log).toContain("proxy listening on http://0.0.0.0:8045");
  });

  test("clients reach every account through the proxy's Service", async () => {
    const replies = await Promise.all(Array.from({ length: 12 }, () => ask(node, service)));
    expect(replies.map((reply) => reply.status)).toEqual(Array(12).fill(200));
    expect(new Set(replies.map(accountOf))).toEqual(new Set(NAMES.map((name) => `${ns}/${name}`)));
  });

  test("a revoked token disables its Account once, with one AccountDisabled Event, while every call is answered", async () => {
    await emulator.revoke(tokens.get("bob") ?? "");
    const replies = await Promise.all(Array.from({ length: 24 }, () => ask(node, service)));
    expect(replies.map((reply) => reply.status)).toEqual(Array(24).fill(200));
    await waitFor(async () => (await status("bob")).disabled === true, {
      timeoutMs: 10_000,
      message: "bob disabled",
    });
    const disabled = await status("bob");
    expect(disabled.disabledAt).toBeDefined();
    expect(disabled.disabledReason).toStartWith("invalid_grant:");
    // More traffic after the disable writes nothing more.
    const more = await Promise.all(Array.from({ length: 12 }, () => ask(node, service)));
    expect(more.map((reply) => reply.status)).toEqual(Array(12).fill(200));
    expect(more.map(accountOf)).not.toContain(bobId());
    expect((await status("bob")).disabledAt).toBe(disabled.disabledAt ?? "");
    expect((await events("AccountDisabled")).filter((e) => e.involvedObject.name === "bob")).toHaveLength(1);
  });

  test("rotating the Secret with kubectl recovers the Account in every proxy pod within two seconds, with no restart", async () => {
    const fresh = await emulator.mintToken("bob@example.com");
    const secret = await kubectlOk(node, [
      "create",
      "secret",
      "generic",
      "bob-token",
      "-n",
      ns,
      `--from-literal=refresh_token=${fresh}`,
      "--dry-run=client",
      "-o",
      "json",
    ]);
    await kubectlOk(node, ["apply", "-f", "-"], secret);
    await waitFor(
      async () =>
        (await status("bob")).conditions?.find((c) => c.type === "Ready")?.reason === "TokenRotated",
      {
        timeoutMs: 5_000,
        message: "TokenRotated",
      },
    );
    const cleared = Date.now();
    const recovered = await status("bob");
    expect(recovered.disabled).toBeUndefined();
    expect(recovered.disabledAt).toBeUndefined();
    expect(recovered.disabledReason).toBeUndefined();
    for (const pod of await pods(node, ns, "proxy")) {
      await waitFor(async () => accountOf(await ask(node, `http://${pod.status.podIP}:8045`)) === bobId(), {
        timeoutMs: 2_000,
        intervalMs: 0,
        message: `${pod.metadata.name} to serve bob again`,
      });
    }
    expect(Date.now() - cleared).toBeLessThan(2_000);
    for (const pod of [...(await pods(node, ns, "proxy")), ...(await pods(node, ns, "operator"))]) {
      expect(pod.status.containerStatuses?.map((c) => c.restartCount)).toEqual([0]);
    }
  });

  test("each proxy pod's /metrics, scraped at its pod IP, shows one disable in all and the recovery in each", async () => {
    const scrapes = await Promise.all(
      (await pods(node, ns, "proxy")).map(async (pod) => {
        const reply = await node.client.fetch(`http://${pod.status.podIP}:8045/metrics`);
        expect(reply.status).toBe(200);
        return reply.body;
      }),
    );
    const disables = scrapes.map(
      (text) => sampleSum(text, "grantpool_account_disables_total", { reason: "invalid_grant" }) ?? 0,
    );
    expect(disables.reduce((sum, count) => sum + count, 0)).toBe(1);
    for (const text of scrapes) {
      expect(sampleSum(text, "grantpool_account_recoveries_total", { grantpool_account_id: bobId() })).toBe(
        1,
      );
      expect(sampleSum(text, "grantpool_accounts", { state: "active" })).toBe(3);
    }
    for (const pod of await pods(node, ns, "operator")) {
      const reply = await node.client.fetch(`http://${pod.status.podIP}:9090/metrics`);
      expect(reply.body).toContain('grantpool_mode="operator"');
    }
  });

  test("deleting the leader operator pod hands the Lease to another operator pod within the lease duration", async () => {
    const lease = async () =>
      JSON.parse(
        await kubectlOk(node, ["get", "lease", "grantpool-operator", "-n", ns, "-o", "jsonpath={.spec}"]),
      ) as { holderIdentity?: string; leaseDurationSeconds: number };
    const before = await lease();
    const leader = before.holderIdentity ?? "";
    expect((await pods(node, ns, "operator")).map((pod) => pod.metadata.name)).toContain(leader);
    const deleted = Date.now();
    await kubectlOk(node, ["delete", "pod", leader, "-n", ns, "--wait=false"]);
    // The standing follower, or the pod the Deployment starts in the leader's place.
    let holder = "";
    await waitFor(
      async () => {
        holder = (await lease()).holderIdentity ?? "";
        return holder !== "" && holder !== leader;
      },
      {
        timeoutMs: before.leaseDurationSeconds * 1000,
        intervalMs: 100,
        message: () => `another pod to hold the Lease (held by "${holder}")`,
      },
    );
    expect(Date.now() - deleted).toBeLessThan(before.leaseDurationSeconds * 1000);
    expect((await pods(node, ns, "operator")).map((pod) => pod.metadata.name)).toContain(holder);
  });

  test("helm upgrade with a changed value rolls the proxy without failing a call", async () => {
    const old = new Set((await pods(node, ns, "proxy")).map((pod) => pod.metadata.name));
    let rolling = true;
    const failures: string[] = [];
    let answered = 0;
    const client = async () => {
      while (rolling) {
        const reply = await ask(node, service);
        if (reply.status === 200) answered += 1;
        else failures.push(`${reply.status} ${reply.error ?? reply.body.slice(0, 200)}`);
      }
    };
    const clients = Array.from({ length: 4 }, client);
    await helmOk(node, [
      "upgrade",
      RELEASE,
      CHART_DIR,
      "-n",
      ns,
      "-f",
      valuesFile(storyValues(emulator)),
      "--set-string",
      "proxy.podAnnotations.story/rollout=2",
      "--wait",
      "--timeout",
      "150s",
    ]);
    await kubectlOk(node, ["rollout", "status", `deployment/${PROXY}`, "-n", ns, "--timeout=120s"]);
    await waitFor(async () => (await pods(node, ns, "proxy")).every((pod) => !old.has(pod.metadata.name)), {
      timeoutMs: 60_000,
      message: "the old proxy pods to be gone",
    });
    rolling = false;
    await Promise.all(clients);
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(0);
  });

  test("helm uninstall removes the release's objects but keeps the CRD and the Accounts", async () => {
    await helmOk(node, ["uninstall", RELEASE, "-n", ns, "--wait", "--timeout", "120s"]);
    const left = await kubectlOk(node, [
      "get",
      "deployments,replicasets,services,serviceaccounts,roles,rolebindings,poddisruptionbudgets,configmaps",
      "-n",
      ns,
      "-l",
      `app.kubernetes.io/instance=${RELEASE}`,
      "-o",
      "name",
    ]);
    expect(left.trim()).toBe("");
    await waitFor(
      async () => (await pods(node, ns, "proxy")).length + (await pods(node, ns, "operator")).length === 0,
      {
        timeoutMs: 60_000,
        message: "the pods to be gone",
      },
    );
    await kubectlOk(node, ["get", "crd", "accounts.grantpool.io"]);
    const accounts = await kubectlOk(node, ["get", "accounts", "-n", ns, "-o", "name"]);
    expect(accounts.trim().split("\n").sort()).toEqual(NAMES.map((name) => `account.grantpool.io/${name}`));
  });
});
