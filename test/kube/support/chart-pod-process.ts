/**
 * Runs an installed Deployment's pod the way a kubelet would, as a grantpool child process: its
 * container's args and variables as the API server stored them (Downward API fields and
 * secretKeyRefs resolved from the cluster), authenticated as its ServiceAccount with a token from
 * the TokenRequest API. Only the ports change, to 0, since tests never use fixed ports. So a test
 * proves that the chart's pods work with the chart's RBAC, Secrets and settings.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ProxyProcess, startProxyProcess } from "../../support/proxy-process.ts";
import type { DeploymentView, EnvVar } from "./grantpool-chart.ts";
import type { KubeFixture } from "./kube-fixture.ts";

async function kubectlOut(kube: KubeFixture, args: readonly string[]): Promise<string> {
  const run = await kube.kubectl(args);
  if (run.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${run.stderr}`);
  return run.stdout;
}

export async function readDeployment(
  kube: KubeFixture,
  namespace: string,
  name: string,
): Promise<DeploymentView> {
  return JSON.parse(await kubectlOut(kube, ["get", "deployment", name, "-n", namespace, "-o", "json"]));
}

/** A kubeconfig that authenticates as the ServiceAccount, as its mounted token would in a pod. */
async function serviceAccountKubeconfig(kube: KubeFixture, namespace: string, name: string): Promise<string> {
  const token = (await kubectlOut(kube, ["create", "token", name, "-n", namespace])).trim();
  const file = join(mkdtempSync(join(tmpdir(), "grantpool-pod-")), "kubeconfig");
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: "test", cluster: { server: kube.env.server, "certificate-authority": kube.env.caFile } },
    ],
    users: [{ name: name, user: { token } }],
    contexts: [{ name: "pod", context: { cluster: "test", user: name, namespace } }],
    "current-context": "pod",
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

async function resolveEnv(
  kube: KubeFixture,
  pod: { name: string; namespace: string },
  variables: readonly EnvVar[],
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const variable of variables) {
    const from = variable.valueFrom;
    if (from === undefined) env[variable.name] = variable.value ?? "";
    else if (from.fieldRef !== undefined) {
      const fields: Record<string, string> = {
        "metadata.name": pod.name,
        "metadata.namespace": pod.namespace,
      };
      const field = fields[from.fieldRef.fieldPath];
      if (field === undefined) throw new Error(`no field ${from.fieldRef.fieldPath} in this kubelet`);
      env[variable.name] = field;
    } else if (from.secretKeyRef !== undefined) {
      const { name, key, optional } = from.secretKeyRef;
      const run = await kube.kubectl(["get", "secret", name, "-n", pod.namespace, "-o", "json"]);
      const data =
        run.code === 0 ? (JSON.parse(run.stdout) as { data?: Record<string, string> }).data : undefined;
      const encoded = data?.[key];
      if (encoded === undefined) {
        if (optional === true) continue;
        throw new Error(`the pod needs ${key} of Secret ${name}, which is missing`);
      }
      env[variable.name] = Buffer.from(encoded, "base64").toString();
    } else throw new Error(`variable ${variable.name}: a source this kubelet does not know`);
  }
  return env;
}

/** Starts the Deployment's container as a process named `podName`; resolves once it is ready. */
export async function runPod(
  kube: KubeFixture,
  deployment: DeploymentView,
  podName: string,
): Promise<ProxyProcess> {
  const namespace = deployment.metadata.namespace ?? "default";
  const spec = deployment.spec.template.spec;
  const [container] = spec.containers;
  if (container === undefined) throw new Error(`${deployment.metadata.name} has no container`);
  const env = await resolveEnv(kube, { name: podName, namespace }, container.env ?? []);
  env.KUBECONFIG = await serviceAccountKubeconfig(kube, namespace, spec.serviceAccountName);
  const args = (container.args ?? []).map((arg) => arg.replace(/^(--port|--metrics-port)=\d+$/, "$1=0"));
  return startProxyProcess(env, { subcommand: args });
}
