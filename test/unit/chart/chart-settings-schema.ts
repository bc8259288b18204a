/**
 * What the Helm chart's values.schema.json must say about grantpool's settings, derived from the
 * binary's own setting table (src/config/setting-table.ts): `settings`, `proxy.settings` and
 * `operator.settings` take the settings by flag name, each checked as the binary checks it (type,
 * choices, bounds), and nothing else. The chart sets a few settings itself; those are refused in
 * values, with the reason below. Bounds are found by asking each setting's valibot schema, so the
 * JSON schema cannot be looser or stricter than the binary.
 */
import * as v from "valibot";
import type { Command } from "../../../src/config/commands.ts";
import { SETTING_KEYS, SETTING_TABLE, type SettingRow } from "../../../src/config/setting-table.ts";

/** Settings the chart decides, by flag name, and where their value comes from instead. */
export const CHART_MANAGED_SETTINGS: Readonly<Record<string, string>> = {
  port: "proxy.port, which the Service targets",
  host: "0.0.0.0, so that the Service reaches the pods",
  "data-dir": "the file store's; the chart runs --store kubernetes",
  store: "always kubernetes",
  namespace: "the release's namespace (or watchAllNamespaces)",
  "all-namespaces": "watchAllNamespaces, which also switches the RBAC to ClusterRoles",
  "leader-elect": "always on: the operator runs several replicas",
  config: "no config file: every setting is a variable",
  "metrics-port": "operator.metricsPort, which the probes and the Service use",
  "shutdown-delay": "proxy.shutdownDelay, which must stay below the pods' termination grace period",
  "api-keys": "keys, a Secret",
  "admin-key": "keys, a Secret",
  "oauth-client-id": "oauth, a Secret",
  "oauth-client-secret": "oauth, a Secret",
};

type JsonSchema = Record<string, unknown>;

const accepts = (row: SettingRow, value: unknown): boolean => v.safeParse(row.kind.schema, value).success;

/**
 * The smallest or the largest whole number a setting accepts: a binary search from 1 (which every
 * numeric setting accepts) towards the end of the safe integers.
 */
function integerBound(row: SettingRow, end: "min" | "max"): number {
  if (!accepts(row, 1)) throw new Error(`setting ${row.name}: 1 is refused; its bounds are unknown`);
  let accepted = 1;
  let refused = end === "min" ? Number.MIN_SAFE_INTEGER - 1 : Number.MAX_SAFE_INTEGER + 1;
  while (Math.abs(refused - accepted) > 1) {
    const mid = Math.trunc(accepted / 2 + refused / 2);
    if (accepts(row, mid)) accepted = mid;
    else refused = mid;
  }
  return accepted;
}

function numberSchema(row: SettingRow): JsonSchema {
  if (!accepts(row, 1.5)) {
    const min = integerBound(row, "min");
    const max = integerBound(row, "max");
    return {
      type: "integer",
      minimum: min,
      ...(max === Number.MAX_SAFE_INTEGER ? {} : { maximum: max }),
    };
  }
  if (!accepts(row, 0) && accepts(row, 1e-9) && !accepts(row, -1))
    return { type: "number", exclusiveMinimum: 0 };
  if (accepts(row, 0) && accepts(row, 1e-9) && !accepts(row, -1e-9)) return { type: "number", minimum: 0 };
  throw new Error(`setting ${row.name}: a kind of number the chart's schema does not know`);
}

/** The JSON schema of one setting's value in Helm values. */
export function settingValueSchema(row: SettingRow): JsonSchema {
  const kind = row.kind;
  let shape: JsonSchema;
  if (kind.boolean) shape = { type: "boolean" };
  else if (kind.path) throw new Error(`setting ${row.name}: paths are the chart's own`);
  else if (kind.list) {
    const item = kind.itemPattern?.source ?? "\\S";
    if (!accepts(row, [])) throw new Error(`setting ${row.name}: not a list`);
    shape = { type: "array", items: { type: "string", pattern: item } };
  } else if (accepts(row, 1)) shape = numberSchema(row);
  else if (kind.placeholder.includes("|")) {
    const choices = kind.placeholder.split("|");
    if (!choices.every((choice) => accepts(row, choice)) || accepts(row, "no-such-choice"))
      throw new Error(`setting ${row.name}: its placeholder is not its choices`);
    shape = { type: "string", enum: choices };
  } else if (kind.placeholder === "URL") {
    if (!accepts(row, "https://example.com") || accepts(row, "ftp://example.com"))
      throw new Error(`setting ${row.name}: not an http(s) URL`);
    shape = { type: "string", pattern: "^https?://\\S+$" };
  } else {
    if (!accepts(row, "x") || accepts(row, " "))
      throw new Error(`setting ${row.name}: not a non-blank string`);
    shape = { type: "string", pattern: "\\S" };
  }
  const plainDefault =
    typeof row.default === "function" || row.default === undefined ? {} : { default: row.default };
  return { description: row.meaning, ...shape, ...plainDefault };
}

/** The rows a values map may hold: settings every one of `commands` accepts, minus the chart's own. */
export function settingRowsFor(commands: readonly Command[]): SettingRow[] {
  return SETTING_KEYS.map((key) => SETTING_TABLE[key] as SettingRow).filter(
    (row) =>
      commands.every((command) => row.flagFor.includes(command)) && !(row.name in CHART_MANAGED_SETTINGS),
  );
}

/** The schema of a settings map (`settings`, `proxy.settings`, `operator.settings`). */
export function settingsMapSchema(description: string, commands: readonly Command[]): JsonSchema {
  return {
    type: "object",
    description,
    additionalProperties: false,
    properties: Object.fromEntries(
      settingRowsFor(commands).map((row) => [row.name, settingValueSchema(row)]),
    ),
  };
}

export const SETTINGS_MAPS = {
  settings: settingsMapSchema(
    "Settings both components read, keyed by flag name; each becomes its GRANTPOOL_* variable.",
    ["proxy", "operator"],
  ),
  "proxy.settings": settingsMapSchema(
    "The proxy's settings by flag name; they win over the shared settings.",
    ["proxy"],
  ),
  "operator.settings": settingsMapSchema(
    "The operator's settings by flag name; they win over the shared settings.",
    ["operator"],
  ),
} as const;
