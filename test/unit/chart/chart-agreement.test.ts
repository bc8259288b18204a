/**
 * The Helm chart agrees with the rest of the repository: its version is package.json's, its CRD is
 * crds/ byte for byte, its values.schema.json checks grantpool's settings exactly as the binary
 * does (chart-settings-schema.ts derives them from the setting table), the defaults in values.yaml
 * are the binary's, and the operator's Role names the Lease the operator actually takes.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { SETTING_KEYS, SETTING_TABLE } from "../../../src/config/setting-table.ts";
import { LEASE_NAME } from "../../../src/operator/run-operator.ts";
import { CHART_MANAGED_SETTINGS, SETTINGS_MAPS } from "./chart-settings-schema.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const CHART = join(ROOT, "charts", "grantpool");
const read = (...path: string[]) => readFileSync(join(...path), "utf8");

type Json = Record<string, unknown>;

/** The node at a dotted path of values.schema.json's properties ("proxy.settings"). */
function schemaAt(schema: Json, dotted: string): unknown {
  return dotted
    .split(".")
    .reduce<unknown>(
      (node, name) => ((node as Json | undefined)?.properties as Json | undefined)?.[name],
      schema,
    );
}

function valuesAt(values: Json, dotted: string): Json {
  return dotted.split(".").reduce<Json>((node, name) => (node[name] ?? {}) as Json, values);
}

describe("the Helm chart", () => {
  test("has package.json's version as its version and appVersion", () => {
    const pkg = JSON.parse(read(ROOT, "package.json")) as { version: string };
    const chart = parse(read(CHART, "Chart.yaml")) as { version: string; appVersion: string };
    expect({ version: chart.version, appVersion: chart.appVersion }).toEqual({
      version: pkg.version,
      appVersion: pkg.version,
    });
  });

  test("installs crds/accounts.grantpool.io.yaml byte for byte, annotated to be kept on uninstall", () => {
    const chartCrd = read(CHART, "files", "crds", "accounts.grantpool.io.yaml");
    expect(chartCrd).toBe(read(ROOT, "crds", "accounts.grantpool.io.yaml"));
    const crd = parse(chartCrd) as { metadata: { annotations?: Record<string, string> } };
    expect(crd.metadata.annotations?.["helm.sh/resource-policy"]).toBe("keep");
  });

  test("checks each settings map of the values with the binary's own rules for each setting", () => {
    const schema = JSON.parse(read(CHART, "values.schema.json")) as Json;
    for (const [path, expected] of Object.entries(SETTINGS_MAPS)) {
      expect({ path, schema: schemaAt(schema, path) }).toEqual({ path, schema: expected });
    }
  });

  test("sets only settings that exist, to the binary's defaults", () => {
    const values = parse(read(CHART, "values.yaml")) as Json;
    for (const path of Object.keys(SETTINGS_MAPS)) {
      for (const [name, value] of Object.entries(valuesAt(values, path))) {
        const key = SETTING_KEYS.find((candidate) => SETTING_TABLE[candidate].name === name);
        expect({ path, name, known: key !== undefined }).toEqual({ path, name, known: true });
        if (key !== undefined)
          expect({ path, name, value }).toEqual({ path, name, value: SETTING_TABLE[key].default });
      }
    }
  });

  test("decides only settings that exist, each for a stated reason", () => {
    const names = SETTING_KEYS.map((key) => SETTING_TABLE[key].name);
    for (const [name, reason] of Object.entries(CHART_MANAGED_SETTINGS)) {
      expect(names).toContain(name);
      expect(reason.length).toBeGreaterThan(0);
    }
  });

  test("limits the operator's reads and renewals of Leases to the Lease it takes", () => {
    const role = parse(read(CHART, "files", "rbac", "operator-role.yaml")) as {
      rules: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[];
    };
    const leaseRules = role.rules.filter((rule) => rule.resources.includes("leases"));
    expect(leaseRules).toEqual([
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      {
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        resourceNames: [LEASE_NAME],
        verbs: ["get", "update"],
      },
    ]);
  });
});
