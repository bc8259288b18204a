/**
 * @kubernetes/client-node, as the operator and the proxy will use it, works under Bun against the
 * real server: bearer-token auth, TLS verified with the CA from the kubeconfig (no
 * NODE_EXTRA_CA_CERTS), list, watch and a merge patch of the status subresource.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import * as k8s from "@kubernetes/client-node";
import { waitFor } from "../support/wait-for.ts";
import { useKubeServer } from "./support/kube-fixture.ts";
import { installWidgetCrd, WIDGET_GROUP, widget } from "./support/widget-crd.ts";

const kube = useKubeServer();

beforeAll(() => installWidgetCrd(kube));

interface Widget {
  metadata: { name: string; generation: number; resourceVersion: string };
  status?: { phase?: string };
}

function kubeConfig(context = "admin"): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  config.loadFromFile(kube.env.kubeconfig);
  config.setCurrentContext(context);
  return config;
}

const widgets = (namespace: string) => ({ group: WIDGET_GROUP, version: "v1", namespace, plural: "widgets" });
const mergePatch = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

describe("@kubernetes/client-node under Bun", () => {
  test("lists with the admin token, verifying the server with the kubeconfig's CA", async () => {
    const ns = await kube.createNamespace("cn-list");
    await kube.kubectl(["create", "configmap", "one", "-n", ns, "--from-literal=k=v"]);
    const core = kubeConfig().makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    const one = list.items.find((item) => item.metadata?.name === "one");
    expect(one?.data).toEqual({ k: "v" });
  });

  test("refuses a server whose certificate the kubeconfig's CA did not sign", async () => {
    const config = kubeConfig();
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error("the kubeconfig has no cluster");
    // A CA of its own: the same server must now fail TLS verification instead of answering.
    const foreignCa = await Bun.file(`${import.meta.dir}/support/foreign-ca.pem`).text();
    config.clusters = [{ ...cluster, caData: Buffer.from(foreignCa).toString("base64") }];
    const core = config.makeApiClient(k8s.CoreV1Api);
    const error = await core.listNamespace().then(
      () => undefined,
      (reason: unknown) => String(reason),
    );
    expect(error).toBeDefined();
    expect(error).toMatch(/certificate|self.signed|verify/i);
  });

  test("an unprivileged token is answered 403 until a Role and RoleBinding allow it", async () => {
    const ns = await kube.createNamespace("cn-rbac");
    const core = kubeConfig("alice").makeApiClient(k8s.CoreV1Api);
    const listStatus = () =>
      core.listNamespacedSecret({ namespace: ns }).then(
        () => 200,
        (error: unknown) => (error as { code?: number }).code,
      );
    expect(await listStatus()).toBe(403);

    const grant = await kube.kubectl([
      "create",
      "role",
      "reader",
      "-n",
      ns,
      "--verb=list",
      "--resource=secrets",
    ]);
    expect(grant.code).toBe(0);
    const bind = await kube.kubectl([
      "create",
      "rolebinding",
      "reader",
      "-n",
      ns,
      "--role=reader",
      "--user=alice",
    ]);
    expect(bind.code).toBe(0);
    // The authorizer reads RBAC objects from an informer: the grant lands within moments.
    await waitFor(async () => (await listStatus()) === 200, {
      timeoutMs: 10_000,
      message: "alice to list secrets",
    });
  });

  test("a status merge patch carrying a stale resourceVersion is refused with 409", async () => {
    const ns = await kube.createNamespace("cn-conflict");
    const api = kubeConfig().makeApiClient(k8s.CustomObjectsApi);
    const created = (await api.createNamespacedCustomObject({
      ...widgets(ns),
      body: widget(ns, "w", 1, 2),
    })) as Widget;
    const stale = created.metadata.resourceVersion;
    const patch = (phase: string) =>
      api.patchNamespacedCustomObjectStatus(
        { ...widgets(ns), name: "w", body: { metadata: { resourceVersion: stale }, status: { phase } } },
        mergePatch,
      );
    await patch("First");
    const second = await patch("Second").then(
      () => 200,
      (error: unknown) => (error as { code?: number }).code,
    );
    expect(second).toBe(409);
    const current = (await api.getNamespacedCustomObject({ ...widgets(ns), name: "w" })) as Widget;
    expect(current.status?.phase).toBe("First");
  });

  test("watches widgets and patches their status; the watch sees it, the generation stays", async () => {
    const ns = await kube.createNamespace("cn-watch");
    const config = kubeConfig();
    const events: Array<{ phase: string; name: string; phaseValue: string | undefined }> = [];
    let watchEnded: unknown;
    const watch = await new k8s.Watch(config).watch(
      `/apis/${WIDGET_GROUP}/v1/namespaces/${ns}/widgets`,
      {},
      (phase: string, object: Widget) => {
        events.push({ phase, name: object.metadata.name, phaseValue: object.status?.phase });
      },
      (error: unknown) => {
        watchEnded = error ?? "ended";
      },
    );
    try {
      const api = config.makeApiClient(k8s.CustomObjectsApi);
      await api.createNamespacedCustomObject({ ...widgets(ns), body: widget(ns, "w", 1, 2) });
      await waitFor(() => events.some((e) => e.phase === "ADDED" && e.name === "w"), {
        timeoutMs: 10_000,
        message: () => `ADDED w (events ${JSON.stringify(events)}, ended ${String(watchEnded)})`,
      });

      const patched = (await api.patchNamespacedCustomObjectStatus(
        { ...widgets(ns), name: "w", body: { status: { phase: "Ready" } } },
        mergePatch,
      )) as Widget;
      expect(patched.status?.phase).toBe("Ready");
      expect(patched.metadata.generation).toBe(1);
      await waitFor(() => events.some((e) => e.phase === "MODIFIED" && e.phaseValue === "Ready"), {
        timeoutMs: 10_000,
        message: () => `MODIFIED w (events ${JSON.stringify(events)})`,
      });
      expect(watchEnded).toBeUndefined();
    } finally {
      watch.abort();
    }
  });
});
