/**
 * RBAC is enforced: the unprivileged identities of the test server may do nothing until a Role and
 * RoleBinding grant it, and then exactly what was granted, in that namespace only.
 */
import { describe, expect, test } from "bun:test";
import { waitFor } from "../support/wait-for.ts";
import { useKubeServer } from "./support/kube-fixture.ts";

const kube = useKubeServer();

function role(namespace: string, name: string, rule: Record<string, readonly string[]>) {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name, namespace },
    rules: [rule],
  };
}

function roleBinding(namespace: string, roleName: string, subject: Record<string, string>) {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: roleName, namespace },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleName },
    subjects: [subject],
  };
}

async function applyAsAdmin(...objects: readonly object[]): Promise<void> {
  const stdin = JSON.stringify({ apiVersion: "v1", kind: "List", items: objects });
  const run = await kube.kubectl(["apply", "-f", "-"], { stdin });
  expect(run.stderr).toBe("");
}

/** RBAC decisions come from the authorizer's informer cache: wait for a new binding to arrive. */
async function eventually(args: readonly string[]): Promise<void> {
  await waitFor(async () => (await kube.kubectl(args)).code === 0, {
    timeoutMs: 10_000,
    message: `kubectl ${args.join(" ")} to be allowed`,
  });
}

describe("RBAC with the static token identities", () => {
  test("the admin token belongs to system:masters", async () => {
    const run = await kube.kubectl(["auth", "whoami", "-o", "jsonpath={.status.userInfo.groups}"]);
    expect(JSON.parse(run.stdout)).toContain("system:masters");
  });

  test("alice cannot list secrets until a Role and RoleBinding allow it, then only there", async () => {
    const ns = await kube.createNamespace("rbac-user");
    const other = await kube.createNamespace("rbac-other");
    await kube.kubectl(["create", "secret", "generic", "s", "-n", ns, "--from-literal=k=v"]);

    const before = await kube.kubectl(["--context", "alice", "get", "secrets", "-n", ns]);
    expect(before.code).not.toBe(0);
    expect(before.stderr).toContain(
      `secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "${ns}"`,
    );

    await applyAsAdmin(
      role(ns, "secret-reader", { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }),
      roleBinding(ns, "secret-reader", {
        kind: "User",
        apiGroup: "rbac.authorization.k8s.io",
        name: "alice",
      }),
    );
    await eventually(["--context", "alice", "get", "secrets", "-n", ns]);
    const allowed = await kube.kubectl(["--context", "alice", "get", "secret", "s", "-n", ns, "-o", "name"]);
    expect(allowed.stdout.trim()).toBe("secret/s");

    const elsewhere = await kube.kubectl(["--context", "alice", "get", "secrets", "-n", other]);
    expect(elsewhere.stderr).toContain("forbidden");
    const deleting = await kube.kubectl(["--context", "alice", "delete", "secret", "s", "-n", ns]);
    expect(deleting.stderr).toContain(`User "alice" cannot delete resource "secrets"`);
  });

  test("a RoleBinding to the ServiceAccount grantpool-test/robot grants its token, and no more", async () => {
    const ns = await kube.createNamespace("rbac-sa");
    const can = (verb: string, resource: string) =>
      kube.kubectl(["--context", "robot", "auth", "can-i", verb, resource, "-n", ns]);
    expect((await can("create", "leases.coordination.k8s.io")).stdout.trim()).toBe("no");

    await applyAsAdmin(
      role(ns, "leader-election", {
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        verbs: ["get", "create", "update"],
      }),
      roleBinding(ns, "leader-election", {
        kind: "ServiceAccount",
        name: "robot",
        namespace: "grantpool-test",
      }),
    );
    await eventually(["--context", "robot", "get", "lease", "leader", "-n", ns, "--ignore-not-found"]);
    const lease = {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "leader", namespace: ns },
      spec: { holderIdentity: "robot-1", leaseDurationSeconds: 15 },
    };
    const created = await kube.kubectl(["--context", "robot", "create", "-f", "-"], {
      stdin: JSON.stringify(lease),
    });
    expect(created.stdout.trim()).toBe("lease.coordination.k8s.io/leader created");
    expect((await can("list", "secrets")).stdout.trim()).toBe("no");
    expect((await can("delete", "leases.coordination.k8s.io")).stdout.trim()).toBe("no");
  });
});
