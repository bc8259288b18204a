/**
 * Who is sending the telemetry: service.name=grantpool, service.version, grantpool.mode, host.name,
 * and in Kubernetes the pod and namespace — from POD_NAME / POD_NAMESPACE (the Downward API), or
 * else, inside a cluster, from the pod's hostname and its service-account namespace file.
 */
export const SERVICE_ACCOUNT_NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

export interface ResourceFacts {
  readonly mode: "proxy" | "operator";
  readonly version: string;
  readonly hostname: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a small file; undefined when it cannot. */
  readonly readFile: (path: string) => string | undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

export function resourceAttributes(facts: ResourceFacts): Record<string, string> {
  const { env } = facts;
  const inCluster = nonEmpty(env.KUBERNETES_SERVICE_HOST) !== undefined;
  const pod = nonEmpty(env.POD_NAME) ?? (inCluster ? nonEmpty(env.HOSTNAME) : undefined);
  const namespace =
    nonEmpty(env.POD_NAMESPACE) ??
    (inCluster ? nonEmpty(facts.readFile(SERVICE_ACCOUNT_NAMESPACE_FILE)) : undefined);
  return {
    "service.name": "grantpool",
    "service.version": facts.version,
    "grantpool.mode": facts.mode,
    "host.name": facts.hostname,
    ...(pod === undefined ? {} : { "k8s.pod.name": pod }),
    ...(namespace === undefined ? {} : { "k8s.namespace.name": namespace }),
  };
}
