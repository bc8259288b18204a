/**
 * The test server is a real kube-apiserver: CRD validation with CEL, the status subresource,
 * optimistic concurrency and watches behave as in a cluster, driven with the real kubectl.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { waitFor } from "../support/wait-for.ts";
import { useKubeServer } from "./support/kube-fixture.ts";
import { streamTool } from "./support/run-tool.ts";
import { installWidgetCrd, REPLICAS_RULE_MESSAGE, widget } from "./support/widget-crd.ts";

const kube = useKubeServer();

beforeAll(() => installWidgetCrd(kube));

interface Metadata {
  readonly generation: number;
  readonly resourceVersion: string;
}

async function getJson<T>(args: readonly string[]): Promise<T> {
  const run = await kube.kubectl(["get", ...args, "-o", "json"]);
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as T;
}

describe("CRD validation", () => {
  test("kubectl apply of an object breaking the CEL rule fails with the rule's message", async () => {
    const ns = await kube.createNamespace("cel");
    const bad = await kube.kubectl(["apply", "-f", "-"], { stdin: JSON.stringify(widget(ns, "w", 5, 2)) });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("is invalid");
    expect(bad.stderr).toContain(REPLICAS_RULE_MESSAGE);
    expect((await kube.kubectl(["get", "widget", "w", "-n", ns])).stderr).toContain("NotFound");

    const good = await kube.kubectl(["apply", "-f", "-"], { stdin: JSON.stringify(widget(ns, "w", 2, 5)) });
    expect(good.stderr).toBe("");
    expect(good.stdout).toContain("widget.kube-test.grantpool.io/w created");
  });

  test("the OpenAPI schema rejects a negative count before any CEL rule", async () => {
    const ns = await kube.createNamespace("schema");
    const run = await kube.kubectl(["apply", "-f", "-"], { stdin: JSON.stringify(widget(ns, "w", -1, 2)) });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("spec.minReplicas");
    expect(run.stderr).toContain("should be greater than or equal to 0");
  });
});

describe("status subresource", () => {
  test("a status update leaves metadata.generation alone; a spec update bumps it", async () => {
    const ns = await kube.createNamespace("status");
    await kube.kubectl(["apply", "-f", "-"], { stdin: JSON.stringify(widget(ns, "w", 1, 3)) });
    const created = await getJson<{ metadata: Metadata }>(["widget", "w", "-n", ns]);
    expect(created.metadata.generation).toBe(1);

    const patch = ["patch", "widget", "w", "-n", ns, "--type=merge"];
    const status = await kube.kubectl([
      ...patch,
      "--subresource=status",
      "-p",
      '{"status":{"phase":"Ready"}}',
    ]);
    expect(status.stderr).toBe("");
    const afterStatus = await getJson<{ metadata: Metadata; status: { phase: string } }>([
      "widget",
      "w",
      "-n",
      ns,
    ]);
    expect(afterStatus.status.phase).toBe("Ready");
    expect(afterStatus.metadata.generation).toBe(1);
    expect(afterStatus.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);

    // Through the main resource a status change is ignored, and a spec change counts.
    await kube.kubectl([...patch, "-p", '{"spec":{"maxReplicas":4},"status":{"phase":"Ignored"}}']);
    const afterSpec = await getJson<{ metadata: Metadata; status: { phase: string } }>([
      "widget",
      "w",
      "-n",
      ns,
    ]);
    expect(afterSpec.metadata.generation).toBe(2);
    expect(afterSpec.status.phase).toBe("Ready");
  });
});

describe("optimistic concurrency", () => {
  test("a replace carrying a stale resourceVersion is refused with 409 Conflict", async () => {
    const ns = await kube.createNamespace("conflict");
    await kube.kubectl(["apply", "-f", "-"], { stdin: JSON.stringify(widget(ns, "w", 1, 3)) });
    const stale = await getJson<{ spec: { maxReplicas: number } }>(["widget", "w", "-n", ns]);
    const moved = await kube.kubectl([
      "patch",
      "widget",
      "w",
      "-n",
      ns,
      "--type=merge",
      "-p",
      '{"spec":{"maxReplicas":4}}',
    ]);
    expect(moved.code).toBe(0);

    stale.spec.maxReplicas = 9;
    // -v=6 logs each request with its status code.
    const replace = await kube.kubectl(["replace", "-v=6", "-f", "-"], { stdin: JSON.stringify(stale) });
    expect(replace.code).not.toBe(0);
    expect(replace.stderr).toMatch(
      /verb="PUT" url="https:\/\/127\.0\.0\.1:\d+\/[^"]*\/widgets\/w\?[^"]*" status="409 Conflict"/,
    );
    expect(replace.stderr).toContain("the object has been modified");
    const current = await getJson<{ spec: { maxReplicas: number } }>(["widget", "w", "-n", ns]);
    expect(current.spec.maxReplicas).toBe(4);
  });
});

describe("watch", () => {
  test("kubectl get --watch delivers ADDED, MODIFIED and DELETED as they happen", async () => {
    const ns = await kube.createNamespace("watch");
    expect((await kube.kubectl(["create", "configmap", "first", "-n", ns])).code).toBe(0);
    await using watch = streamTool(kube.env, kube.env.kubectl, [
      "get",
      "configmaps",
      "-n",
      ns,
      "--watch",
      "--output-watch-events",
      "-o",
      'jsonpath={.type} {.object.metadata.name} {.object.data.k}{"\\n"}',
    ]);
    const seen = (line: string) => () => watch.lines.some((entry) => entry.trim() === line);
    // The object made before the watch arrives from the initial list: from here on, events are live.
    await waitFor(seen("ADDED first"), { timeoutMs: 20_000, message: "the initial ADDED event" });

    await kube.kubectl(["patch", "configmap", "first", "-n", ns, "-p", '{"data":{"k":"v2"}}']);
    await waitFor(seen("MODIFIED first v2"), {
      timeoutMs: 10_000,
      message: () => `MODIFIED in ${watch.lines}`,
    });
    await kube.kubectl(["create", "configmap", "second", "-n", ns]);
    await waitFor(seen("ADDED second"), {
      timeoutMs: 10_000,
      message: () => `ADDED second in ${watch.lines}`,
    });
    await kube.kubectl(["delete", "configmap", "first", "-n", ns]);
    await waitFor(seen("DELETED first v2"), {
      timeoutMs: 10_000,
      message: () => `DELETED in ${watch.lines}`,
    });
    expect(watch.lines.map((line) => line.trim()).filter((line) => line !== "")).toEqual([
      "ADDED first",
      "MODIFIED first v2",
      "ADDED second",
      "DELETED first v2",
    ]);
  });
});
