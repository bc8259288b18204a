/**
 * The proxy and the operator run with exactly the Roles the chart grants
 * (charts/grantpool/files/rbac/): bound to the test server's unprivileged identities, the story
 * still plays — disable by a proxy, recovery by the operator — and nothing more is allowed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProxyProcess } from "../support/proxy-process.ts";
import { waitFor } from "../support/wait-for.ts";
import { useKubeServer } from "./support/kube-fixture.ts";
import { ask, type KubeStory, startKubeStory, waitUntilServedBy } from "./support/kube-story.ts";

const RBAC = join(import.meta.dir, "..", "..", "charts", "grantpool", "files", "rbac");
const kube = useKubeServer();
let story: KubeStory;
let replicas: ProxyProcess[];
let bobToken = "";

/** A kubeconfig whose current context is one identity of the test server. */
async function kubeconfigFor(context: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), `grantpool-${context}-`)), "kubeconfig");
  copyFileSync(kube.env.kubeconfig, file);
  const run = await kube.kubectl(["config", "use-context", context, "--kubeconfig", file]);
  if (run.code !== 0) throw new Error(run.stderr);
  return file;
}

async function bind(role: string, user: string): Promise<void> {
  const applied = await kube.kubectl(["apply", "-n", story.ns, "-f", join(RBAC, `${role}-role.yaml`)]);
  if (applied.code !== 0) throw new Error(applied.stderr);
  const bound = await kube.kubectl([
    "create",
    "rolebinding",
    `grantpool-${role}`,
    "-n",
    story.ns,
    `--role=grantpool-${role}`,
    `--user=${user}`,
  ]);
  if (bound.code !== 0) throw new Error(bound.stderr);
}

beforeAll(async () => {
  story = await startKubeStory(kube, "rbac");
  await bind("proxy", kube.env.identities.robot.user);
  await bind("operator", kube.env.identities.alice.user);
  for (const name of ["ada", "bob"]) {
    const token = story.google.addIdentity({ email: `${name}@example.com` });
    if (name === "bob") bobToken = token;
    await story.addAccount(name, token);
  }
  await story.startOperator({ KUBECONFIG: await kubeconfigFor("alice") }, ["--leader-elect"]);
  await waitFor(async () => (await story.ready("bob"))?.status === "True", {
    timeoutMs: 20_000,
    message: "bob Ready",
  });
  const proxyConfig = await kubeconfigFor("robot");
  replicas = [
    await story.startProxy({ KUBECONFIG: proxyConfig }),
    await story.startProxy({ KUBECONFIG: proxyConfig }),
  ];
}, 120_000);

afterAll(async () => {
  await story?.[Symbol.asyncDispose]();
});

describe("least privilege", () => {
  test("the proxy's identity can disable an account, and the operator's can recover it", async () => {
    story.google.revoke(bobToken);
    story.google.expireAccessTokens();
    for (let i = 0; i < 6; i++) expect((await ask(replicas[i % 2] as ProxyProcess)).status).toBe(200);
    await waitFor(async () => (await story.status("bob")).disabled === true, {
      timeoutMs: 10_000,
      message: "bob disabled",
    });
    expect((await story.events("AccountDisabled")).length).toBe(1);
    await story.rotateSecret("bob", story.google.mintRefreshToken("bob@example.com"));
    await waitFor(async () => (await story.ready("bob"))?.reason === "TokenRotated", {
      timeoutMs: 10_000,
      message: "recovery",
    });
    for (const replica of replicas) await waitUntilServedBy(replica, `${story.ns}/bob`, 2_000);
    const logs = story.processes.flatMap((p) => p.logLines).join("\n");
    expect(logs).not.toMatch(/HTTP 403/);
  });

  test("the identities may do nothing beyond their Roles", async () => {
    const can = async (context: string, ...what: string[]) =>
      (await kube.kubectl(["--context", context, "auth", "can-i", ...what, "-n", story.ns])).stdout.trim();
    expect(await can("robot", "update", "secrets")).toBe("no");
    expect(await can("robot", "delete", "accounts.grantpool.io")).toBe("no");
    expect(await can("robot", "create", "leases.coordination.k8s.io")).toBe("no");
    expect(await can("robot", "patch", "accounts.grantpool.io", "--subresource=status")).toBe("yes");
    expect(await can("alice", "update", "secrets")).toBe("no");
    expect(await can("alice", "patch", "accounts.grantpool.io")).toBe("no");
    // Reading and renewing a Lease is limited to the operator's own; only create cannot be.
    expect(await can("alice", "update", "leases.coordination.k8s.io/grantpool-operator")).toBe("yes");
    expect(await can("alice", "update", "leases.coordination.k8s.io/someone-else")).toBe("no");
    expect(await can("alice", "create", "leases.coordination.k8s.io")).toBe("yes");
  });
});
