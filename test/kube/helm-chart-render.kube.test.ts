/**
 * The Helm chart as rendered: `helm lint` is clean, values.schema.json refuses bad values naming
 * them, the defaults and every option render what SPEC §8.4 asks for, and the real API server
 * accepts the manifests in a namespace that enforces the restricted Pod Security Standard —
 * without a PodSecurity warning, and with each pod template admitted as a bare Pod.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { everyOptionOn, OWN_SECRETS_STRICT, PRIORITY_CLASS } from "./support/chart-values.ts";
import {
  asList,
  CHART_DIR,
  createRestrictedNamespace,
  type DeploymentView,
  deployments,
  type EnvVar,
  findObject,
  installServiceMonitorCrd,
  type KubeObject,
  podsOf,
  type Rendered,
  renderChart,
  valuesFile,
} from "./support/grantpool-chart.ts";
import { useKubeServer } from "./support/kube-fixture.ts";

const kube = useKubeServer();
const REPOSITORY = join(CHART_DIR, "..", "..");
const APP_VERSION = (
  JSON.parse(readFileSync(join(REPOSITORY, "package.json"), "utf8")) as { version: string }
).version;

let ns = "";
let grafanaNs = "";
let defaults: Rendered;
let everything: Rendered;
let ownSecrets: Rendered;

beforeAll(async () => {
  [ns, grafanaNs] = await Promise.all([
    createRestrictedNamespace(kube, "chart"),
    kube.createNamespace("grafana"),
    installServiceMonitorCrd(kube),
    kube.kubectl(["apply", "-f", "-"], {
      stdin: JSON.stringify({
        apiVersion: "scheduling.k8s.io/v1",
        kind: "PriorityClass",
        metadata: { name: PRIORITY_CLASS },
        value: 1000,
      }),
    }),
  ]).then(([restricted, grafana]) => [restricted, grafana] as [string, string]);
  [defaults, everything, ownSecrets] = await Promise.all([
    renderChart(kube, { namespace: ns }),
    renderChart(kube, { namespace: ns, values: everyOptionOn(grafanaNs) }),
    renderChart(kube, { namespace: ns, values: OWN_SECRETS_STRICT }),
  ]);
  for (const run of [defaults, everything, ownSecrets]) expect(run.stderr).toBe("");
}, 60_000);

function container(deployment: DeploymentView) {
  const [first] = deployment.spec.template.spec.containers;
  if (first === undefined) throw new Error(`${deployment.metadata.name} has no container`);
  return first;
}

function envOf(deployment: DeploymentView): Map<string, EnvVar> {
  return new Map((container(deployment).env ?? []).map((variable) => [variable.name, variable]));
}

function value(deployment: DeploymentView, name: string): string | undefined {
  return envOf(deployment).get(name)?.value;
}

/**
 * Applies objects to the real API server without storing them; the run's output. Server-side, so
 * that a CRD another file applied (or a release installed) is judged without kubectl's warning
 * about a missing last-applied annotation; forcing conflicts only matters for fields others own.
 */
async function dryRun(objects: readonly object[]) {
  return kube.kubectl(["apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", "-"], {
    stdin: asList(objects),
  });
}

describe("helm lint", () => {
  test("is clean with the defaults and with every option on, also with --strict", async () => {
    const everythingFile = valuesFile(everyOptionOn("grafana"));
    const runs = await Promise.all([
      kube.helm(["lint", CHART_DIR]),
      kube.helm(["lint", "--strict", CHART_DIR]),
      kube.helm(["lint", "--strict", CHART_DIR, "-f", everythingFile]),
      kube.helm(["lint", "--strict", CHART_DIR, "-f", valuesFile(OWN_SECRETS_STRICT)]),
    ]);
    for (const run of runs) {
      expect(run.stderr).toBe("");
      expect(run.stdout).toContain("1 chart(s) linted, 0 chart(s) failed");
      // Only the [INFO] that an icon is recommended: no warning, no error.
      expect(run.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
      expect(run.code).toBe(0);
    }
  });
});

describe("values.schema.json", () => {
  const refusals: [string, string[], string][] = [
    ["negative replicas", ["--set", "proxy.replicas=-1"], "at '/proxy/replicas': minimum: got -1, want 0"],
    [
      "an unknown upstream profile",
      ["--set", "proxy.settings.upstream-profile=openai"],
      "at '/proxy/settings/upstream-profile': value must be one of 'gemini', 'code-assist'",
    ],
    [
      "a flag that is not a boolean",
      ["--set", "crds.install=yes"],
      "at '/crds/install': got string, want boolean",
    ],
    [
      "a misspelled setting",
      ["--set", "proxy.settings.upstream-profil=gemini"],
      "at '/proxy/settings': additional properties 'upstream-profil' not allowed",
    ],
    [
      "a misspelled key",
      ["--set", "oauth.clientID=x"],
      "at '/oauth': additional properties 'clientID' not allowed",
    ],
    [
      "a lease duration of zero",
      ["--set", "operator.settings.lease-duration=0"],
      "at '/operator/settings/lease-duration': exclusiveMinimum",
    ],
  ];

  for (const [what, args, message] of refusals) {
    test(`helm template refuses ${what}, naming the value`, async () => {
      const run = await renderChart(kube, { namespace: ns, args });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(message);
    });
  }

  test("helm install refuses a bad value before it creates anything", async () => {
    const target = await kube.createNamespace("chart-refused");
    const run = await kube.helm(["install", "gp", CHART_DIR, "-n", target, "--set", "proxy.replicas=-1"]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("at '/proxy/replicas': minimum: got -1, want 0");
    const left = await kube.kubectl(["get", "all,secrets,serviceaccounts,roles", "-n", target, "-o", "name"]);
    expect(left.stdout).toBe("");
  });

  test("the OAuth client's id without its secret is refused, naming both", async () => {
    const run = await renderChart(kube, { namespace: ns, args: ["--set", "oauth.clientId=x"] });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("oauth.clientId and oauth.clientSecret go together");
  });
});

describe("helm template with the defaults", () => {
  test("renders the CRD, both workloads, their RBAC, a generated keys Secret and the dashboard", () => {
    const names = defaults.objects.map((object) => `${object.kind}/${object.metadata.name}`).sort();
    expect(names).toEqual(
      [
        "ConfigMap/gp-grantpool-dashboard",
        "CustomResourceDefinition/accounts.grantpool.io",
        "Deployment/gp-grantpool-operator",
        "Deployment/gp-grantpool-proxy",
        "Role/gp-grantpool-operator",
        "Role/gp-grantpool-proxy",
        "RoleBinding/gp-grantpool-operator",
        "RoleBinding/gp-grantpool-proxy",
        "Secret/gp-grantpool-keys",
        "Service/gp-grantpool-operator",
        "Service/gp-grantpool-proxy",
        "ServiceAccount/gp-grantpool-operator",
        "ServiceAccount/gp-grantpool-proxy",
      ].sort(),
    );
    for (const object of defaults.objects.filter((o) => o.kind !== "CustomResourceDefinition"))
      expect(object.metadata.namespace).toBe(ns);
  });

  test("the CRD is crds/accounts.grantpool.io.yaml and is kept on uninstall", () => {
    const crd = findObject(defaults.objects, "CustomResourceDefinition", "accounts.grantpool.io");
    expect(crd).toEqual(parse(readFileSync(join(REPOSITORY, "crds", "accounts.grantpool.io.yaml"), "utf8")));
    expect(crd.metadata.annotations?.["helm.sh/resource-policy"]).toBe("keep");
    expect(ownSecrets.objects.some((object) => object.kind === "CustomResourceDefinition")).toBe(false);
  });

  test("runs two leader-elected operators and two proxies on 0.0.0.0:8045 behind a Service", () => {
    const operator = findObject(defaults.objects, "Deployment", "gp-grantpool-operator") as DeploymentView;
    const proxy = findObject(defaults.objects, "Deployment", "gp-grantpool-proxy") as DeploymentView;
    expect(operator.spec.replicas).toBe(2);
    expect(container(operator).args).toEqual([
      "operator",
      "--leader-elect",
      `--namespace=${ns}`,
      "--metrics-port=9090",
    ]);
    expect(proxy.spec.replicas).toBe(2);
    expect(container(proxy).args).toEqual([
      "proxy",
      "--store=kubernetes",
      "--host=0.0.0.0",
      "--port=8045",
      "--shutdown-delay=5",
      `--namespace=${ns}`,
    ]);
    const service = findObject(defaults.objects, "Service", "gp-grantpool-proxy") as KubeObject & {
      spec: { ports: object[] };
    };
    expect(service.spec.ports).toEqual([{ name: "http", port: 8045, targetPort: "http", protocol: "TCP" }]);
    for (const deployment of [operator, proxy]) {
      expect(container(deployment).image).toBe(`grantpool:${APP_VERSION}`);
      expect(container(deployment).imagePullPolicy).toBe("IfNotPresent");
    }
  });

  test("probes /healthz for liveness and /readyz for readiness, on the proxy's port and the operator's metrics port", () => {
    for (const deployment of deployments(defaults.objects)) {
      const probes = container(deployment) as unknown as Record<
        string,
        { httpGet: { path: string; port: string } }
      >;
      const port = deployment.metadata.name.endsWith("proxy") ? "http" : "metrics";
      expect(probes.livenessProbe?.httpGet).toEqual({ path: "/healthz", port });
      expect(probes.readinessProbe?.httpGet).toEqual({ path: "/readyz", port });
    }
  });

  test("gives the proxy a generated client key and admin key from a Secret kept on uninstall", () => {
    const secret = findObject(defaults.objects, "Secret", "gp-grantpool-keys") as KubeObject & {
      data: Record<string, string>;
    };
    expect(secret.metadata.annotations?.["helm.sh/resource-policy"]).toBe("keep");
    const keys = Object.fromEntries(
      Object.entries(secret.data).map(([key, data]) => [key, Buffer.from(data, "base64").toString()]),
    );
    expect(keys["api-keys"]).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(keys["admin-key"]).toMatch(/^[A-Za-z0-9]{40}$/);
    const proxy = envOf(findObject(defaults.objects, "Deployment", "gp-grantpool-proxy") as DeploymentView);
    expect(proxy.get("GRANTPOOL_API_KEYS")?.valueFrom?.secretKeyRef).toEqual({
      name: "gp-grantpool-keys",
      key: "api-keys",
    });
    expect(proxy.get("GRANTPOOL_ADMIN_KEY")?.valueFrom?.secretKeyRef).toEqual({
      name: "gp-grantpool-keys",
      key: "admin-key",
      optional: true,
    });
    // Without an OAuth client there is nothing to refer to; NOTES.txt says what to set.
    expect(proxy.has("GRANTPOOL_OAUTH_CLIENT_ID")).toBe(false);
  });

  test("sets POD_NAME and POD_NAMESPACE from the Downward API, and no service links", () => {
    for (const deployment of deployments(defaults.objects)) {
      // A Service named grantpool would otherwise hand every pod GRANTPOOL_PORT=tcp://…
      expect(deployment.spec.template.spec.enableServiceLinks).toBe(false);
      const env = envOf(deployment);
      expect(env.get("POD_NAME")?.valueFrom?.fieldRef?.fieldPath).toBe("metadata.name");
      expect(env.get("POD_NAMESPACE")?.valueFrom?.fieldRef?.fieldPath).toBe("metadata.namespace");
    }
  });

  test("ships the Grafana dashboard as it is, labelled for the Grafana sidecar, with scrape annotations", () => {
    const dashboard = findObject(defaults.objects, "ConfigMap", "gp-grantpool-dashboard") as KubeObject & {
      data: Record<string, string>;
    };
    expect(dashboard.metadata.labels?.grafana_dashboard).toBe("1");
    expect(dashboard.data["grantpool.json"]).toBe(
      readFileSync(join(CHART_DIR, "dashboards", "grantpool.json"), "utf8"),
    );
    const annotations = (name: string) =>
      (findObject(defaults.objects, "Deployment", name) as DeploymentView).spec.template.metadata.annotations;
    expect(annotations("gp-grantpool-proxy")).toMatchObject({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "8045",
      "prometheus.io/path": "/metrics",
    });
    expect(annotations("gp-grantpool-operator")).toMatchObject({ "prometheus.io/port": "9090" });
  });
});

describe("helm template with every option on", () => {
  test("settings become GRANTPOOL_* variables, whole numbers as integers; OTEL_* and extraEnv follow", () => {
    const proxy = findObject(everything.objects, "Deployment", "everything-proxy") as DeploymentView;
    const operator = findObject(everything.objects, "Deployment", "everything-operator") as DeploymentView;
    expect(value(proxy, "GRANTPOOL_MAX_BODY_BYTES")).toBe("104857600");
    expect(value(proxy, "GRANTPOOL_UPSTREAM_PROFILE")).toBe("code-assist");
    expect(value(proxy, "GRANTPOOL_REFRESH_TIMEOUT")).toBe("4");
    expect(value(operator, "GRANTPOOL_REFRESH_TIMEOUT")).toBe("2.5");
    expect(value(operator, "GRANTPOOL_LOG_LEVEL")).toBe("info");
    expect(value(proxy, "GRANTPOOL_LOG_LEVEL")).toBe("debug");
    expect(value(operator, "GRANTPOOL_LEASE_DURATION")).toBe("20");
    expect(value(proxy, "GRANTPOOL_METRICS")).toBe("true");
    for (const deployment of [proxy, operator]) {
      expect(value(deployment, "OTEL_EXPORTER_OTLP_ENDPOINT")).toBe("http://otel-collector.monitoring:4318");
      expect(value(deployment, "OTEL_METRIC_EXPORT_INTERVAL")).toBe("15000");
      expect(envOf(deployment).get("GRANTPOOL_OAUTH_CLIENT_SECRET")?.valueFrom?.secretKeyRef).toEqual({
        name: "everything-oauth",
        key: "secret",
      });
      expect(container(deployment).env?.at(-1)?.name).toBe("OTEL_EXPORTER_OTLP_HEADERS");
      expect(container(deployment).image).toBe(`registry.example.com/ai/grantpool@sha256:${"ab".repeat(32)}`);
    }
  });

  test("watchAllNamespaces grants the rules cluster-wide and keeps the Lease in the release's namespace", () => {
    const kinds = everything.objects
      .filter((object) => object.kind.includes("Role"))
      .map((object) => `${object.kind}/${object.metadata.name}`)
      .sort();
    expect(kinds).toEqual([
      `ClusterRole/${ns}-everything-operator`,
      `ClusterRole/${ns}-everything-proxy`,
      `ClusterRoleBinding/${ns}-everything-operator`,
      `ClusterRoleBinding/${ns}-everything-proxy`,
      "Role/everything-operator",
      "RoleBinding/everything-operator",
    ]);
    const leaseRole = findObject(everything.objects, "Role", "everything-operator") as KubeObject & {
      rules: { apiGroups: string[] }[];
    };
    expect(leaseRole.metadata.namespace).toBe(ns);
    expect(leaseRole.rules.every((rule) => rule.apiGroups.includes("coordination.k8s.io"))).toBe(true);
    for (const deployment of deployments(everything.objects)) {
      expect(container(deployment).args).toContain("--all-namespaces");
      expect(container(deployment).args?.some((arg) => arg.startsWith("--namespace"))).toBe(false);
    }
  });

  test("the dashboard goes to Grafana's namespace; the ServiceMonitor scrapes both components", () => {
    const dashboard = findObject(everything.objects, "ConfigMap", "everything-dashboard");
    expect(dashboard.metadata.namespace).toBe(grafanaNs);
    const monitor = findObject(everything.objects, "ServiceMonitor", "everything") as KubeObject & {
      spec: { endpoints: { port: string }[] };
    };
    expect(monitor.metadata.labels?.release).toBe("kube-prometheus-stack");
    expect(monitor.spec.endpoints.map((endpoint) => endpoint.port)).toEqual(["http", "metrics"]);
    // A ServiceMonitor scrapes them: no scrape annotations as well.
    for (const deployment of deployments(everything.objects))
      expect(deployment.spec.template.metadata.annotations?.["prometheus.io/scrape"]).toBeUndefined();
  });

  test("the HorizontalPodAutoscaler owns the proxy's replicas", () => {
    const proxy = findObject(everything.objects, "Deployment", "everything-proxy") as DeploymentView;
    expect(proxy.spec.replicas).toBeUndefined();
    findObject(everything.objects, "HorizontalPodAutoscaler", "everything-proxy");
    findObject(everything.objects, "PodDisruptionBudget", "everything-proxy");
  });
});

describe("helm template with Secrets of the user's own and auth-mode strict", () => {
  test("renders no Secret, refers to the user's, and probes the port (a probe cannot send a key)", () => {
    expect(ownSecrets.objects.filter((object) => object.kind === "Secret")).toEqual([]);
    const proxy = findObject(ownSecrets.objects, "Deployment", "gp-grantpool-proxy") as DeploymentView;
    const env = envOf(proxy);
    expect(env.get("GRANTPOOL_API_KEYS")?.valueFrom?.secretKeyRef).toEqual({
      name: "my-keys",
      key: "clients",
    });
    expect(env.get("GRANTPOOL_OAUTH_CLIENT_ID")?.valueFrom?.secretKeyRef).toEqual({
      name: "my-oauth",
      key: "id",
    });
    const probes = container(proxy) as unknown as Record<string, object>;
    expect(probes.readinessProbe).toMatchObject({ tcpSocket: { port: "http" } });
    expect(probes.livenessProbe).toMatchObject({ tcpSocket: { port: "http" } });
  });
});

describe("the rendered RBAC", () => {
  test("holds no wildcard in any Role or ClusterRole", () => {
    const roles = [defaults, everything, ownSecrets].flatMap((run) =>
      run.objects.filter((object) => object.kind === "Role" || object.kind === "ClusterRole"),
    );
    expect(roles.length).toBe(2 + 3 + 2);
    for (const role of roles) {
      const rules = (role as KubeObject & { rules: Record<string, string[]>[] }).rules;
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules)
        for (const field of ["apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs"])
          expect(rule[field] ?? []).not.toContain("*");
    }
  });
});

describe("the API server, in a namespace enforcing the restricted Pod Security Standard", () => {
  for (const [variant, rendered] of [
    ["the defaults", () => defaults],
    ["every option on", () => everything],
    ["the user's own Secrets", () => ownSecrets],
  ] as const) {
    test(`accepts ${variant} with kubectl apply --dry-run=server, without a warning`, async () => {
      const run = await dryRun(rendered().objects);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout.trim().split("\n").length).toBe(rendered().objects.length);
    });

    test(`admits the pod templates of ${variant} as Pods`, async () => {
      // The ServiceAccount admission wants the Pods' ServiceAccounts to exist.
      const accounts = rendered().objects.filter((object) => object.kind === "ServiceAccount");
      const created = await kube.kubectl(["apply", "--server-side", "-f", "-"], { stdin: asList(accounts) });
      expect(created.stderr).toBe("");
      const pods = podsOf(rendered().objects);
      expect(pods.length).toBe(2);
      const run = await dryRun(pods);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
    });
  }

  test("refuses a pod template whose container may escalate (the enforcement is on)", async () => {
    const [pod] = podsOf(defaults.objects) as { spec: { containers: { securityContext: object }[] } }[];
    const [first] = pod?.spec.containers ?? [];
    if (pod === undefined || first === undefined) throw new Error("no pod");
    first.securityContext = { ...first.securityContext, allowPrivilegeEscalation: true };
    const run = await dryRun([pod]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      'violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
    );
  });
});
