/**
 * The Helm chart installed on the real API server: `helm install` creates what it renders, each
 * ServiceAccount may do exactly what its table below says (namespaced, and with
 * watchAllNamespaces), the installed pods — run as processes with their ServiceAccount's token —
 * verify an Account and serve it with the generated client key, `helm upgrade` keeps the keys,
 * and `helm uninstall` leaves the CRD, the Accounts and the keys Secret in place.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GoogleEmulator, startGoogleEmulator } from "../support/google-emulator.ts";
import type { ProxyProcess } from "../support/proxy-process.ts";
import { runCli } from "../support/run-cli.ts";
import { waitFor } from "../support/wait-for.ts";
import { readDeployment, runPod } from "./support/chart-pod-process.ts";
import { grantedTo, installChart, upgradeChart } from "./support/grantpool-chart.ts";
import { useKubeServer } from "./support/kube-fixture.ts";

const kube = useKubeServer();
const RELEASE = "gp";

/** What the chart grants, as `kubectl auth can-i --list` shows it: "resource [names] verbs". */
const OPERATOR_GRANTS = [
  "accounts.grantpool.io [] get list watch",
  "accounts.grantpool.io/status [] get patch update",
  "events [] create patch",
  "leases.coordination.k8s.io [] create",
  "leases.coordination.k8s.io [grantpool-operator] get update",
  "secrets [] get list watch",
];
const OPERATOR_LEASE_GRANTS = OPERATOR_GRANTS.filter((grant) => grant.startsWith("leases."));
const OPERATOR_ACCOUNT_GRANTS = OPERATOR_GRANTS.filter((grant) => !grant.startsWith("leases."));
const PROXY_GRANTS = [
  "accounts.grantpool.io [] get list patch watch",
  "accounts.grantpool.io/status [] get patch",
  "events [] create",
  "secrets [] get list watch",
];

let ns = "";
let elsewhere = "";
let google: GoogleEmulator;
const scratch = mkdtempSync(join(tmpdir(), "grantpool-chart-install-"));
const pods: ProxyProcess[] = [];

const kubectlOut = async (args: readonly string[], stdin?: string): Promise<string> => {
  const run = await kube.kubectl(args, stdin === undefined ? {} : { stdin });
  if (run.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${run.stderr}`);
  return run.stdout;
};

const keysOf = async (namespace: string): Promise<Record<string, string>> =>
  JSON.parse(
    await kubectlOut(["get", "secret", "gp-grantpool-keys", "-n", namespace, "-o", "jsonpath={.data}"]),
  );

/** RBAC decisions come from the authorizer's informer cache: wait until they settle on `expected`. */
async function expectGrants(
  serviceAccount: { namespace: string; name: string },
  namespace: string,
  expected: readonly string[],
): Promise<void> {
  let last: string[] = [];
  await waitFor(
    async () => {
      last = await grantedTo(kube, serviceAccount, namespace);
      return JSON.stringify(last) === JSON.stringify([...expected].sort());
    },
    {
      timeoutMs: 10_000,
      intervalMs: 100,
      message: () =>
        `${serviceAccount.name} in ${namespace} to be granted ${expected.join("; ")}, not ${last.join("; ")}`,
    },
  );
}

/** The Account and its Secret, as a user makes them: `grantpool accounts manifest | kubectl apply -f -`. */
async function addAccount(namespace: string, name: string, token: string): Promise<void> {
  const file = join(scratch, `${name}.token`);
  writeFileSync(file, `${token}\n`);
  const manifest = await runCli([
    "accounts",
    "manifest",
    "--name",
    name,
    "--namespace",
    namespace,
    "--refresh-token-file",
    file,
  ]);
  if (manifest.code !== 0) throw new Error(`accounts manifest failed: ${manifest.stderr}`);
  await kubectlOut(["apply", "-f", "-"], manifest.stdout);
}

beforeAll(async () => {
  [ns, elsewhere] = await Promise.all([
    kube.createNamespace("chart-install"),
    kube.createNamespace("chart-other"),
  ]);
  google = await startGoogleEmulator();
  // The Google endpoints are settings like any other: the chart passes them on.
  const install = await installChart(kube, {
    namespace: ns,
    release: RELEASE,
    values: {
      oauth: { clientId: google.clientId, clientSecret: google.clientSecret },
      settings: { "oauth-token-url": google.tokenUrl, "oauth-userinfo-url": google.userinfoUrl },
      proxy: { settings: { "upstream-url": google.upstreamUrl } },
    },
    // The suite's other files apply the CRD with kubectl; a user who did so adopts it the same way.
    args: ["--take-ownership"],
  });
  expect(install.stderr).toBe("");
  expect(install.stdout).toContain("STATUS: deployed");
}, 60_000);

afterAll(async () => {
  await Promise.all(pods.map((pod) => pod.stop().catch(() => 0)));
  await google?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("helm install", () => {
  test("creates the CRD, the operator and the proxy with their Services, ServiceAccounts, RBAC, Secrets and dashboard", async () => {
    const names = await kubectlOut([
      "get",
      "deployments,services,serviceaccounts,roles,rolebindings,secrets,configmaps",
      "-n",
      ns,
      "-l",
      `app.kubernetes.io/instance=${RELEASE}`,
      "-o",
      "name",
    ]);
    expect(names.trim().split("\n").sort()).toEqual(
      [
        "configmap/gp-grantpool-dashboard",
        "deployment.apps/gp-grantpool-operator",
        "deployment.apps/gp-grantpool-proxy",
        "role.rbac.authorization.k8s.io/gp-grantpool-operator",
        "role.rbac.authorization.k8s.io/gp-grantpool-proxy",
        "rolebinding.rbac.authorization.k8s.io/gp-grantpool-operator",
        "rolebinding.rbac.authorization.k8s.io/gp-grantpool-proxy",
        "secret/gp-grantpool-keys",
        "secret/gp-grantpool-oauth",
        "service/gp-grantpool-operator",
        "service/gp-grantpool-proxy",
        "serviceaccount/gp-grantpool-operator",
        "serviceaccount/gp-grantpool-proxy",
      ].sort(),
    );
    const crd = JSON.parse(await kubectlOut(["get", "crd", "accounts.grantpool.io", "-o", "json"])) as {
      metadata: { annotations: Record<string, string> };
    };
    expect(crd.metadata.annotations["meta.helm.sh/release-namespace"]).toBe(ns);
    const list = JSON.parse((await kube.helm(["list", "-n", ns, "-o", "json"])).stdout) as {
      status: string;
    }[];
    expect(list.map((release) => release.status)).toEqual(["deployed"]);
  });

  test("grants each ServiceAccount exactly its table, in the release's namespace only", async () => {
    const operator = { namespace: ns, name: "gp-grantpool-operator" };
    const proxy = { namespace: ns, name: "gp-grantpool-proxy" };
    await expectGrants(operator, ns, OPERATOR_GRANTS);
    await expectGrants(proxy, ns, PROXY_GRANTS);
    await expectGrants(operator, elsewhere, []);
    await expectGrants(proxy, elsewhere, []);
  }, 60_000);

  test("its pods, run with their ServiceAccount's token, verify an Account and serve it with the generated key", async () => {
    const [operatorDeployment, proxyDeployment] = await Promise.all([
      readDeployment(kube, ns, "gp-grantpool-operator"),
      readDeployment(kube, ns, "gp-grantpool-proxy"),
    ]);
    const operator = await runPod(kube, operatorDeployment, "gp-grantpool-operator-0");
    pods.push(operator);
    await addAccount(ns, "ada", google.addIdentity({ email: "ada@example.com" }));
    await waitFor(
      async () => {
        const json = await kubectlOut(["get", "account", "ada", "-n", ns, "-o", "json"]);
        const status = (JSON.parse(json) as { status?: { conditions?: { type: string; status: string }[] } })
          .status;
        return status?.conditions?.find((condition) => condition.type === "Ready")?.status === "True";
      },
      { timeoutMs: 15_000, message: "the chart's operator to make ada Ready" },
    );
    const lease = JSON.parse(
      await kubectlOut(["get", "lease", "grantpool-operator", "-n", ns, "-o", "json"]),
    ) as {
      spec: { holderIdentity: string };
    };
    expect(lease.spec.holderIdentity).toBe("gp-grantpool-operator-0");

    const proxy = await runPod(kube, proxyDeployment, "gp-grantpool-proxy-0");
    pods.push(proxy);
    const key = Buffer.from((await keysOf(ns))["api-keys"] ?? "", "base64").toString();
    const call = (headers: Record<string, string>) =>
      fetch(`${proxy.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
      });
    const refused = await call({});
    await refused.arrayBuffer();
    expect(refused.status).toBe(401);
    await waitFor(
      async () => {
        const reply = await call({ "x-goog-api-key": key });
        await reply.arrayBuffer();
        return reply.status === 200 && reply.headers.get("x-grantpool-account") === `${ns}/ada`;
      },
      { timeoutMs: 5_000, message: "the chart's proxy to serve ada with the generated key" },
    );
    // The pods end here, as the kubelet would end them before the upgrade rolls new ones.
    expect(await proxy.stop()).toBe(0);
    expect(await operator.stop()).toBe(0);
  }, 60_000);

  test("helm upgrade keeps the generated client key and admin key", async () => {
    const before = await keysOf(ns);
    const upgrade = await upgradeChart(kube, {
      namespace: ns,
      release: RELEASE,
      args: ["--reuse-values", "--set", "proxy.replicas=3"],
    });
    expect(upgrade.stderr).toBe("");
    expect(upgrade.stdout).toContain("STATUS: deployed");
    expect(
      await kubectlOut([
        "get",
        "deployment",
        "gp-grantpool-proxy",
        "-n",
        ns,
        "-o",
        "jsonpath={.spec.replicas}",
      ]),
    ).toBe("3");
    expect(Object.keys(before).sort()).toEqual(["admin-key", "api-keys"]);
    expect(await keysOf(ns)).toEqual(before);
  });

  test("helm uninstall removes the workloads and keeps the CRD, the Accounts and the keys Secret", async () => {
    const keys = await keysOf(ns);
    const uninstall = await kube.helm(["uninstall", RELEASE, "-n", ns]);
    expect(uninstall.code).toBe(0);
    expect(uninstall.stdout).toContain("[CustomResourceDefinition] accounts.grantpool.io");
    expect(uninstall.stdout).toContain("[Secret] gp-grantpool-keys");
    const left = await kubectlOut([
      "get",
      "deployments,services,serviceaccounts,roles,rolebindings,secrets,configmaps,accounts",
      "-n",
      ns,
      "-o",
      "name",
    ]);
    expect(left.trim().split("\n").sort()).toEqual([
      "account.grantpool.io/ada",
      "secret/ada-token",
      "secret/gp-grantpool-keys",
    ]);
    expect(await kubectlOut(["get", "crd", "accounts.grantpool.io", "-o", "name"])).toContain(
      "accounts.grantpool.io",
    );
    expect(await keysOf(ns)).toEqual(keys);
  });
});

describe("helm install with watchAllNamespaces", () => {
  test("grants the account rules in every namespace and the Lease in the release's namespace only", async () => {
    const home = await kube.createNamespace("chart-all");
    const install = await installChart(kube, {
      namespace: home,
      release: RELEASE,
      args: ["--set", "watchAllNamespaces=true", "--set", "crds.install=false"],
    });
    expect(install.stderr).toBe("");
    const operator = { namespace: home, name: "gp-grantpool-operator" };
    const proxy = { namespace: home, name: "gp-grantpool-proxy" };
    await expectGrants(operator, home, OPERATOR_GRANTS);
    await expectGrants(operator, elsewhere, OPERATOR_ACCOUNT_GRANTS);
    await expectGrants(proxy, home, PROXY_GRANTS);
    await expectGrants(proxy, elsewhere, PROXY_GRANTS);
    expect(OPERATOR_LEASE_GRANTS.length).toBe(2);
    const uninstall = await kube.helm(["uninstall", RELEASE, "-n", home]);
    expect(uninstall.code).toBe(0);
    expect(await kubectlOut(["get", "clusterroles", "-o", "name"])).not.toContain(`${home}-gp-grantpool`);
  }, 60_000);
});
