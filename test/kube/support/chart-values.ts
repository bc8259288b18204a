/**
 * Values for the chart tests: every option the chart has, switched on (watchAllNamespaces
 * included), and the variant that brings its own Secrets and turns client keys to strict.
 */

/** Every value of values.yaml set to something other than its default. */
export function everyOptionOn(grafanaNamespace: string): object {
  const pod = (component: string) => ({
    resources: {
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { cpu: "1", memory: "512Mi" },
    },
    serviceAccount: {
      create: true,
      name: `custom-${component}`,
      annotations: { "example.com/role": component },
    },
    extraEnv: [
      {
        name: "OTEL_EXPORTER_OTLP_HEADERS",
        valueFrom: { secretKeyRef: { name: "otel-headers", key: "headers" } },
      },
    ],
    podAnnotations: { "example.com/team": "ai" },
    podLabels: { "example.com/tier": component },
    priorityClassName: PRIORITY_CLASS,
    nodeSelector: { "kubernetes.io/os": "linux" },
    tolerations: [{ key: "dedicated", operator: "Equal", value: "ai", effect: "NoSchedule" }],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: "kubernetes.io/hostname",
              labelSelector: { matchLabels: { "app.kubernetes.io/component": component } },
            },
          },
        ],
      },
    },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: { "app.kubernetes.io/component": component } },
      },
    ],
  });
  return {
    nameOverride: "gpool",
    fullnameOverride: "everything",
    image: {
      repository: "registry.example.com/ai/grantpool",
      tag: "0.1.0-rc1",
      digest: `sha256:${"ab".repeat(32)}`,
      pullPolicy: "Always",
    },
    imagePullSecrets: [{ name: "regcred" }],
    crds: { install: true },
    watchAllNamespaces: true,
    oauth: {
      clientId: "1234.apps.example.com",
      clientSecret: "chart-test-oauth-secret",
      clientIdKey: "id",
      clientSecretKey: "secret",
    },
    keys: {
      apiKeysKey: "client-keys",
      adminKeyKey: "admin",
      apiKeys: ["chart-test-client-key-1", "chart-test-client-key-2"],
      adminKey: "chart-test-admin-key",
      generateAdminKey: false,
    },
    settings: {
      "log-level": "debug",
      "log-format": "text",
      metrics: true,
      "oauth-token-url": "https://oauth.example.com/token",
      "oauth-userinfo-url": "https://oauth.example.com/userinfo",
      "refresh-timeout": 2.5,
    },
    otel: {
      endpoint: "http://otel-collector.monitoring:4318",
      env: { OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=test", OTEL_METRIC_EXPORT_INTERVAL: 15000 },
    },
    podSecurityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      seccompProfile: { type: "RuntimeDefault" },
    },
    containerSecurityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    },
    operator: {
      enabled: true,
      replicas: 3,
      metricsPort: 9191,
      settings: { "lease-duration": 20, "renew-deadline": 15, "retry-period": 3, "log-level": "info" },
      ...pod("operator"),
    },
    proxy: {
      enabled: true,
      replicas: 4,
      port: 8080,
      shutdownDelay: 2,
      settings: {
        "auth-mode": "all_except_health",
        "upstream-url": "https://upstream.example.com",
        "upstream-profile": "code-assist",
        strategy: "fixed",
        "fixed-account": "ada@example.com",
        "sticky-idle": 600,
        "refresh-skew": 120,
        "max-attempts": 5,
        "max-body-bytes": 104857600,
        "body-timeout": 30,
        "refresh-timeout": 4,
      },
      service: { type: "LoadBalancer", port: 80, annotations: { "example.com/lb": "internal" } },
      podDisruptionBudget: { enabled: true, minAvailable: 2 },
      autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 12, targetCPUUtilizationPercentage: 70 },
      ...pod("proxy"),
    },
    metrics: {
      scrapeAnnotations: true,
      serviceMonitor: {
        enabled: true,
        labels: { release: "kube-prometheus-stack" },
        interval: "15s",
        scrapeTimeout: "10s",
      },
    },
    dashboard: {
      enabled: true,
      labels: { grafana_dashboard: "1", team: "ai" },
      annotations: { grafana_folder: "grantpool" },
      namespace: grafanaNamespace,
    },
  };
}

/** The PriorityClass everyOptionOn names; a fixture, since Pod admission checks that it exists. */
export const PRIORITY_CLASS = "grantpool-chart-test";

/** Secrets the user manages, client keys required on every route, no CRD, no dashboard. */
export const OWN_SECRETS_STRICT = {
  crds: { install: false },
  oauth: { existingSecret: "my-oauth", clientIdKey: "id", clientSecretKey: "secret" },
  keys: { existingSecret: "my-keys", apiKeysKey: "clients", adminKeyKey: "admin" },
  proxy: { settings: { "auth-mode": "strict" } },
  dashboard: { enabled: false },
  metrics: { scrapeAnnotations: false },
};
