/**
 * The one table of settings. Each row gives a setting's name (the flag --name, the config-file
 * key name: and the variable GRANTPOOL_NAME), its kind (schema and expectation), default,
 * meaning, and the commands that accept it as a flag. The Settings type is derived from it, so
 * adding a setting is adding a row to the group it belongs to (deployment, access, pool, serving,
 * command).
 */
import type * as v from "valibot";
import { ACCESS_SETTINGS } from "./access-settings.ts";
import { COMMAND_SETTINGS } from "./command-settings.ts";
import { DEPLOYMENT_SETTINGS } from "./deployment-settings.ts";
import { POOL_SETTINGS } from "./pool-settings.ts";
import { SERVING_SETTINGS } from "./serving-settings.ts";
import type { SettingRow } from "./setting-row.ts";

export type { DefaultContext, SettingRow } from "./setting-row.ts";

/** In the order of the docs: the help text and the README list the settings as they come here. */
export const SETTING_TABLE = {
  ...DEPLOYMENT_SETTINGS,
  ...ACCESS_SETTINGS,
  ...POOL_SETTINGS,
  ...SERVING_SETTINGS,
  ...COMMAND_SETTINGS,
} as const;

export type SettingKey = keyof typeof SETTING_TABLE;

export const SETTING_KEYS = Object.keys(SETTING_TABLE) as SettingKey[];

type SettingEntries = { readonly [K in SettingKey]: (typeof SETTING_TABLE)[K]["kind"]["schema"] };

/** The validated settings, camelCase keys; optional settings are absent when unset. */
export type Settings = Readonly<v.InferOutput<v.ObjectSchema<SettingEntries, undefined>>>;

/** GRANTPOOL_ and the name in upper snake case: data-dir → GRANTPOOL_DATA_DIR. */
export function envName(row: SettingRow): string {
  return `GRANTPOOL_${row.name.toUpperCase().replaceAll("-", "_")}`;
}

export function findSettingKey(name: string): SettingKey | undefined {
  return SETTING_KEYS.find((key) => SETTING_TABLE[key].name === name);
}
