/**
 * A small CRD of the test suite's own (not grantpool's Account), with what the suite must prove the
 * server enforces: a CEL rule, a status subresource, and a spec whose changes bump the generation.
 */
import type { KubeFixture } from "./kube-fixture.ts";

export const WIDGET_GROUP = "kube-test.grantpool.io";
export const WIDGET_CRD = `widgets.${WIDGET_GROUP}`;
export const WIDGET_API_VERSION = `${WIDGET_GROUP}/v1`;
export const REPLICAS_RULE_MESSAGE = "spec.minReplicas must not exceed spec.maxReplicas";

export const widgetCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: WIDGET_CRD },
  spec: {
    group: WIDGET_GROUP,
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["minReplicas", "maxReplicas"],
                properties: {
                  minReplicas: { type: "integer", minimum: 0 },
                  maxReplicas: { type: "integer", minimum: 0 },
                },
                "x-kubernetes-validations": [
                  { rule: "self.minReplicas <= self.maxReplicas", message: REPLICAS_RULE_MESSAGE },
                ],
              },
              status: { type: "object", properties: { phase: { type: "string" } } },
            },
          },
        },
      },
    ],
  },
};

export function widget(namespace: string, name: string, minReplicas: number, maxReplicas: number) {
  return {
    apiVersion: WIDGET_API_VERSION,
    kind: "Widget",
    metadata: { name, namespace },
    spec: { minReplicas, maxReplicas },
  };
}

/** Applies the CRD (idempotent, so files sharing a server may all do it) and waits until it serves. */
export async function installWidgetCrd(kube: KubeFixture): Promise<void> {
  const applied = await kube.kubectl(["apply", "-f", "-"], { stdin: JSON.stringify(widgetCrd) });
  if (applied.code !== 0) throw new Error(`kube: cannot apply the Widget CRD: ${applied.stderr}`);
  const established = await kube.kubectl([
    "wait",
    "--for=condition=Established",
    `crd/${WIDGET_CRD}`,
    "--timeout=60s",
  ]);
  if (established.code !== 0)
    throw new Error(`kube: the Widget CRD was not established: ${established.stderr}`);
}
