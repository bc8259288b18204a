import { describe, expect, test } from "bun:test";
import {
  type ResourceFacts,
  resourceAttributes,
  SERVICE_ACCOUNT_NAMESPACE_FILE,
} from "../../../src/telemetry/resource-attributes.ts";

const facts = (env: Record<string, string>, files: Record<string, string> = {}): ResourceFacts => ({
  mode: "proxy",
  version: "1.2.3",
  hostname: "box",
  env,
  readFile: (path) => files[path],
});

describe("resourceAttributes", () => {
  test("names the service, its version, the mode and the host", () => {
    expect(resourceAttributes(facts({}))).toEqual({
      "service.name": "grantpool",
      "service.version": "1.2.3",
      "grantpool.mode": "proxy",
      "host.name": "box",
    });
  });

  test("takes the pod and namespace from the Downward API variables", () => {
    expect(resourceAttributes(facts({ POD_NAME: "grantpool-7f9", POD_NAMESPACE: "ai" }))).toMatchObject({
      "k8s.pod.name": "grantpool-7f9",
      "k8s.namespace.name": "ai",
    });
  });

  test("inside a cluster without them, falls back to the hostname and the service-account namespace", () => {
    const inCluster = facts(
      { KUBERNETES_SERVICE_HOST: "10.0.0.1", HOSTNAME: "grantpool-proxy-abc" },
      { [SERVICE_ACCOUNT_NAMESPACE_FILE]: "ai\n" },
    );
    expect(resourceAttributes(inCluster)).toMatchObject({
      "k8s.pod.name": "grantpool-proxy-abc",
      "k8s.namespace.name": "ai",
    });
  });

  test("outside a cluster, a HOSTNAME is not taken for a pod name", () => {
    expect(resourceAttributes(facts({ HOSTNAME: "laptop" }))).not.toHaveProperty("k8s.pod.name");
  });
});
