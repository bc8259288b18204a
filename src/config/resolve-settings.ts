/**
 * Picks each setting's value by precedence (flag > variable > config file > default), expands a
 * leading `~` in paths, and validates every value with its schema, collecting one issue per bad
 * setting that names the setting, where the value came from and what was expected.
 */
import * as v from "valibot";
import type { FlagValue } from "./parse-argv.ts";
import type { FileEntry } from "./read-config-file.ts";
import { describeSource, describeValue, type SettingSource } from "./setting-source.ts";
import {
  type DefaultContext,
  envName,
  SETTING_KEYS,
  SETTING_TABLE,
  type SettingKey,
  type SettingRow,
  type Settings,
} from "./setting-table.ts";

export interface SettingInputs {
  readonly flags: ReadonlyMap<SettingKey, FlagValue>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly file?: { readonly path: string; readonly entries: readonly FileEntry[] };
  readonly context: DefaultContext;
}

export interface PickedValue {
  readonly value: unknown;
  readonly source: SettingSource;
}

export interface ResolvedSettings {
  /** The settings that are valid; the others are in `failed`. */
  readonly values: Partial<Settings>;
  readonly sources: ReadonlyMap<SettingKey, SettingSource>;
  readonly failed: ReadonlySet<SettingKey>;
  readonly issues: readonly string[];
}

/**
 * Kubernetes gives pods with service links `<SERVICE>_PORT=tcp://10.0.0.7:8045` for every Service in
 * their namespace: a Service named `grantpool` would set GRANTPOOL_PORT, and one named
 * `grantpool-metrics` GRANTPOOL_METRICS_PORT. No grantpool setting takes such a value, so a
 * variable of this shape is not the user's and counts as unset.
 */
const SERVICE_LINK = /^(?:tcp|udp|sctp):\/\/[^/\s]+:\d+$/;

/** The winning raw value of one setting, or undefined when it is unset and has no default. */
export function pickValue(key: SettingKey, inputs: SettingInputs): PickedValue | undefined {
  const row: SettingRow = SETTING_TABLE[key];
  const flag = inputs.flags.get(key);
  if (flag !== undefined) return { value: flag.value, source: { kind: "flag", flag: flag.flag } };
  const name = envName(row);
  const fromEnv = inputs.env[name];
  // An empty variable counts as unset, as deployment templates often render unset values empty;
  // so does a Kubernetes service link (see SERVICE_LINK).
  if (fromEnv !== undefined && fromEnv.trim() !== "" && !SERVICE_LINK.test(fromEnv))
    return { value: fromEnv, source: { kind: "variable", name } };
  const entry = inputs.file?.entries.find((candidate) => candidate.key === key);
  if (entry !== undefined && inputs.file !== undefined) {
    return { value: entry.value, source: { kind: "file", path: inputs.file.path, line: entry.line } };
  }
  const fallback = row.default;
  if (fallback === undefined) return undefined;
  const value = typeof fallback === "function" ? fallback(inputs.context) : fallback;
  return { value, source: { kind: "default" } };
}

/** `~` and `~/x` are the home directory and a path inside it; other paths stay as they are. */
export function expandHome(path: string, homeDir: string): string {
  const trimmed = path.trim();
  if (trimmed === "~") return homeDir;
  if (!trimmed.startsWith("~/")) return trimmed;
  return `${homeDir.replace(/\/+$/, "")}/${trimmed.slice(2)}`;
}

export function invalidSettingMessage(key: SettingKey, picked: PickedValue): string {
  const row: SettingRow = SETTING_TABLE[key];
  const got = describeValue(picked.value, row.secret === true);
  return `Invalid setting "${row.name}" from ${describeSource(picked.source)}: expected ${row.kind.expect}, got ${got}`;
}

/** Validates one picked value with its setting's schema (after expanding `~` in paths). */
export function validateValue(
  key: SettingKey,
  picked: PickedValue,
  homeDir: string,
): v.SafeParseResult<v.GenericSchema> {
  const row = SETTING_TABLE[key];
  const value =
    row.kind.path && typeof picked.value === "string" ? expandHome(picked.value, homeDir) : picked.value;
  return v.safeParse(row.kind.schema, value, { abortPipeEarly: true });
}

export function resolveSettings(inputs: SettingInputs): ResolvedSettings {
  const values: Record<string, unknown> = {};
  const sources = new Map<SettingKey, SettingSource>();
  const failed = new Set<SettingKey>();
  const issues: string[] = [];
  for (const key of SETTING_KEYS) {
    const picked = pickValue(key, inputs);
    if (picked === undefined) continue;
    sources.set(key, picked.source);
    const result = validateValue(key, picked, inputs.context.homeDir);
    if (result.success) {
      values[key] = result.output;
    } else {
      failed.add(key);
      issues.push(invalidSettingMessage(key, picked));
    }
  }
  // Each value was produced by the schema that Settings is inferred from, under its own key.
  return { values: values as Partial<Settings>, sources, failed, issues };
}
