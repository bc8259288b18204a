/** Where and how the process runs: listening address, store, Kubernetes scope, metrics, leader election. */
import { ACCOUNTS_COMMANDS, CONFIGURED_COMMANDS } from "./commands.ts";
import { boolean, dnsLabel, integer, oneOf, optional, path, positiveSeconds, text } from "./setting-kinds.ts";
import { KUBERNETES, PROXY, setting } from "./setting-row.ts";

export const DEPLOYMENT_SETTINGS = {
  port: setting("port", integer({ min: 0, max: 65535 }), {
    default: 8045,
    meaning: "port the proxy listens on; 0 picks any free port",
    flagFor: PROXY,
  }),
  host: setting("host", text("a host name or IP address", "HOST"), {
    default: "127.0.0.1",
    meaning: "address the proxy listens on",
    flagFor: PROXY,
  }),
  dataDir: setting("data-dir", path(), {
    default: "~/.grantpool",
    meaning: "file store root (accounts in accounts/); a leading ~ is the home directory",
    flagFor: ["proxy", ...ACCOUNTS_COMMANDS],
  }),
  store: setting("store", oneOf(["file", "kubernetes"]), {
    default: "file",
    meaning: "where accounts live: files under the data directory, or Account resources",
    flagFor: PROXY,
  }),
  namespace: setting("namespace", optional(dnsLabel()), {
    meaning: "Kubernetes namespace to watch, or to put in the manifest (default: the current one)",
    flagFor: [...KUBERNETES, "accounts manifest"],
  }),
  allNamespaces: setting("all-namespaces", boolean(), {
    default: false,
    meaning: "watch Accounts in every namespace",
    flagFor: KUBERNETES,
  }),
  leaderElect: setting("leader-elect", boolean(), {
    default: false,
    meaning: "run only while holding the operator's Lease, so that one replica reconciles",
    flagFor: ["operator"],
  }),
  configFile: setting("config", optional(path()), {
    meaning: "YAML or JSON file of settings keyed by flag name (port: 8045)",
    flagFor: CONFIGURED_COMMANDS,
    inFile: false,
  }),
  metrics: setting("metrics", boolean(), {
    default: true,
    meaning: "serve Prometheus metrics on GET /metrics (--metrics=false turns it off)",
    flagFor: ["proxy", "operator"],
  }),
  metricsPort: setting("metrics-port", integer({ min: 0, max: 65535 }), {
    default: 9090,
    meaning: "port of the operator's /metrics, /healthz and /readyz",
    flagFor: ["operator"],
  }),
  leaseDurationSeconds: setting("lease-duration", positiveSeconds(), {
    default: 15,
    meaning: "seconds a follower waits after the leader's last renewal before taking the Lease over",
    flagFor: ["operator"],
  }),
  renewDeadlineSeconds: setting("renew-deadline", positiveSeconds(), {
    default: 10,
    meaning: "seconds the leader keeps trying to renew its Lease before it stops working",
    flagFor: ["operator"],
  }),
  retryPeriodSeconds: setting("retry-period", positiveSeconds(), {
    default: 2,
    meaning: "seconds between attempts to acquire or renew the Lease",
    flagFor: ["operator"],
  }),
} as const;
