/**
 * The environment a user gets from `bun test/kube/env.ts up DIR`: a ready server that kubectl and
 * helm (built from the same Go module) drive through DIR/kubeconfig.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useKubeServer } from "./support/kube-fixture.ts";

const kube = useKubeServer();
const scratch = mkdtempSync(join(tmpdir(), "grantpool-kube-tools-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeChart(dir: string): void {
  mkdirSync(join(dir, "templates"), { recursive: true });
  writeFileSync(
    join(dir, "Chart.yaml"),
    "apiVersion: v2\nname: probe\nversion: 0.1.0\nkubeVersion: '>=1.30.0-0'\n",
  );
  writeFileSync(join(dir, "values.yaml"), "greeting: hello\n");
  writeFileSync(
    join(dir, "templates", "configmap.yaml"),
    [
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: {{ .Release.Name }}-probe",
      "data:",
      "  greeting: {{ .Values.greeting | quote }}",
      "",
    ].join("\n"),
  );
}

describe("the kube test environment", () => {
  test("kubectl get --raw /readyz answers ok", async () => {
    const run = await kube.kubectl(["get", "--raw", "/readyz"]);
    expect(run.stdout.trim()).toBe("ok");
  });

  test("kubectl api-resources lists secrets and leases", async () => {
    const run = await kube.kubectl(["api-resources", "-o", "name"]);
    const names = run.stdout.trim().split("\n");
    expect(names).toContain("secrets");
    expect(names).toContain("leases.coordination.k8s.io");
    expect(names).toContain("customresourcedefinitions.apiextensions.k8s.io");
  });

  test("the server and kubectl report the Kubernetes version they were built from", async () => {
    const run = await kube.kubectl(["version", "-o", "json"]);
    const versions = JSON.parse(run.stdout) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string };
    };
    expect(versions.serverVersion.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
    expect(versions.clientVersion.gitVersion).toBe(versions.serverVersion.gitVersion);
  });

  test("helm installs a chart, sets its values and lists the release as deployed", async () => {
    const ns = await kube.createNamespace("helm");
    const chart = join(scratch, "probe");
    writeChart(chart);
    const install = await kube.helm(["install", "demo", chart, "-n", ns, "--set", "greeting=hi"]);
    expect(install.stderr).toBe("");
    expect(install.stdout).toContain("STATUS: deployed");

    const data = await kube.kubectl([
      "get",
      "configmap",
      "demo-probe",
      "-n",
      ns,
      "-o",
      "jsonpath={.data.greeting}",
    ]);
    expect(data.stdout).toBe("hi");
    const list = await kube.helm(["list", "-n", ns, "-o", "json"]);
    const releases = JSON.parse(list.stdout) as Array<{ name: string; status: string }>;
    expect(releases.map(({ name, status }) => ({ name, status }))).toEqual([
      { name: "demo", status: "deployed" },
    ]);
  });
});
