/**
 * The Helm chart (charts/grantpool) as the kube tests drive it: rendered with `helm template`,
 * installed with `helm install`, its objects read back, its pod templates turned into bare Pods,
 * and what its ServiceAccounts may do read with `kubectl auth can-i --list`.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { KubeFixture } from "./kube-fixture.ts";
import type { ToolRun } from "./run-tool.ts";

export const CHART_DIR = join(import.meta.dir, "..", "..", "..", "charts", "grantpool");

/** A Kubernetes object as the tests read it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

export interface Rendered extends ToolRun {
  readonly objects: KubeObject[];
}

const scratch = mkdtempSync(join(tmpdir(), "grantpool-chart-"));
let valueFiles = 0;

/** Writes values to a file for `-f` (JSON is YAML). */
export function valuesFile(values: object): string {
  valueFiles += 1;
  const file = join(scratch, `values-${valueFiles}.json`);
  writeFileSync(file, JSON.stringify(values));
  return file;
}

export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}

export interface ChartRun {
  readonly namespace: string;
  readonly release?: string;
  readonly values?: object;
  /** Extra `helm` arguments (`--set a=b`). */
  readonly args?: readonly string[];
}

function chartArgs(run: ChartRun): string[] {
  return [
    ...(run.values === undefined ? [] : ["-f", valuesFile(run.values)]),
    "-n",
    run.namespace,
    ...(run.args ?? []),
  ];
}

/** `helm template` of the chart; the objects are parsed when it succeeded. */
export async function renderChart(kube: KubeFixture, run: ChartRun): Promise<Rendered> {
  const result = await kube.helm(["template", run.release ?? "gp", CHART_DIR, ...chartArgs(run)]);
  return { ...result, objects: result.code === 0 ? parseObjects(result.stdout) : [] };
}

export async function installChart(kube: KubeFixture, run: ChartRun): Promise<ToolRun> {
  return kube.helm(["install", run.release ?? "gp", CHART_DIR, ...chartArgs(run)]);
}

export async function upgradeChart(kube: KubeFixture, run: ChartRun): Promise<ToolRun> {
  return kube.helm(["upgrade", run.release ?? "gp", CHART_DIR, ...chartArgs(run)]);
}

export function findObject(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (found === undefined) {
    const present = objects.map((object) => `${object.kind}/${object.metadata.name}`).join(", ");
    throw new Error(`no ${kind}/${name} among ${present}`);
  }
  return found;
}

interface Container {
  readonly name: string;
  readonly args?: string[];
  readonly env?: EnvVar[];
  readonly [field: string]: unknown;
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly fieldRef?: { readonly fieldPath: string };
    readonly secretKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
  };
}

export interface PodSpec {
  readonly serviceAccountName: string;
  readonly containers: Container[];
  readonly [field: string]: unknown;
}

export interface DeploymentView extends KubeObject {
  readonly spec: {
    readonly replicas?: number;
    readonly template: { readonly metadata: KubeObject["metadata"]; readonly spec: PodSpec };
  };
}

export function deployments(objects: readonly KubeObject[]): DeploymentView[] {
  return objects.filter((object) => object.kind === "Deployment") as DeploymentView[];
}

/** Each Deployment's pod template as a bare Pod, so that Pod admission (PodSecurity enforce) judges it. */
export function podsOf(objects: readonly KubeObject[]): object[] {
  return deployments(objects).map((deployment) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${deployment.metadata.name}-pod`,
      namespace: deployment.metadata.namespace,
      labels: deployment.spec.template.metadata.labels,
      annotations: deployment.spec.template.metadata.annotations,
    },
    spec: deployment.spec.template.spec,
  }));
}

export function asList(objects: readonly object[]): string {
  return JSON.stringify({ apiVersion: "v1", kind: "List", items: objects });
}

/** A namespace where the restricted Pod Security Standard is enforced, and warned about. */
export async function createRestrictedNamespace(kube: KubeFixture, prefix: string): Promise<string> {
  const ns = await kube.createNamespace(prefix);
  const labelled = await kube.kubectl([
    "label",
    "namespace",
    ns,
    "pod-security.kubernetes.io/enforce=restricted",
    "pod-security.kubernetes.io/warn=restricted",
    "pod-security.kubernetes.io/audit=restricted",
  ]);
  if (labelled.code !== 0) throw new Error(`kube: cannot label namespace ${ns}: ${labelled.stderr}`);
  return ns;
}

/**
 * The Prometheus Operator's ServiceMonitor kind, as small as the API server needs to accept one
 * (the fields are not checked): a fixture, so that a chart with serviceMonitor.enabled applies.
 */
export async function installServiceMonitorCrd(kube: KubeFixture): Promise<void> {
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "servicemonitors.monitoring.coreos.com" },
    spec: {
      group: "monitoring.coreos.com",
      scope: "Namespaced",
      names: { plural: "servicemonitors", singular: "servicemonitor", kind: "ServiceMonitor" },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
            },
          },
        },
      ],
    },
  };
  const applied = await kube.kubectl(["apply", "--server-side", "-f", "-"], { stdin: JSON.stringify(crd) });
  if (applied.code !== 0) throw new Error(`kube: cannot apply the ServiceMonitor CRD: ${applied.stderr}`);
  const established = await kube.kubectl([
    "wait",
    "--for=condition=Established",
    "--timeout=30s",
    "crd/servicemonitors.monitoring.coreos.com",
  ]);
  if (established.code !== 0)
    throw new Error(`kube: ServiceMonitor CRD not established: ${established.stderr}`);
}

/** One row of `kubectl auth can-i --list`: a resource, the names it is limited to, the verbs. */
export type Grant = string;

/**
 * What `user` may do on resources in `namespace`, one "resource [names] verbs" line per row
 * (verbs sorted), without the non-resource URLs.
 */
export async function grantsOf(kube: KubeFixture, user: string, namespace: string): Promise<Set<Grant>> {
  const run = await kube.kubectl(["auth", "can-i", "--list", `--as=${user}`, "-n", namespace]);
  if (run.code !== 0) throw new Error(`kubectl auth can-i --list failed: ${run.stderr}`);
  const grants = new Set<Grant>();
  for (const line of run.stdout.split("\n").slice(1)) {
    const row = /^(\S+)\s+\[\]\s+\[([^\]]*)\]\s+\[([^\]]*)\]\s*$/.exec(line);
    if (row === null) continue;
    const [, resource, names, verbs] = row as unknown as [string, string, string, string];
    const sortedVerbs = verbs.split(" ").filter(Boolean).sort().join(" ");
    grants.add(`${resource} [${names}] ${sortedVerbs}`);
  }
  return grants;
}

/**
 * What `serviceAccount` may do in `namespace` beyond what every ServiceAccount may (discovery,
 * self reviews): the grants of the chart's RBAC alone, sorted.
 */
export async function grantedTo(
  kube: KubeFixture,
  serviceAccount: { namespace: string; name: string },
  namespace: string,
): Promise<string[]> {
  const user = `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`;
  const nobody = `system:serviceaccount:${serviceAccount.namespace}:grantpool-test-nobody`;
  const [granted, baseline] = await Promise.all([
    grantsOf(kube, user, namespace),
    grantsOf(kube, nobody, namespace),
  ]);
  return [...granted].filter((grant) => !baseline.has(grant)).sort();
}
