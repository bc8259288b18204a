/** One row of the settings table: a setting's name, kind, default, meaning and flags. */
import type * as v from "valibot";
import type { Command } from "./commands.ts";
import type { SettingKind } from "./setting-kinds.ts";

export interface DefaultContext {
  readonly homeDir: string;
  readonly stdoutIsTTY: boolean;
}

export type DefaultValue = string | number | boolean | readonly string[];

export interface SettingMeta {
  readonly default?: DefaultValue | ((context: DefaultContext) => DefaultValue);
  /** How the default reads in docs, when it is computed. */
  readonly defaultText?: string;
  readonly meaning: string;
  /** The commands that accept the setting as a flag; every command reads it from env and file. */
  readonly flagFor: readonly Command[];
  /** Never echoed in messages. */
  readonly secret?: boolean;
  /** False for the one setting that cannot come from the config file: the file's own path. */
  readonly inFile?: boolean;
}

export interface SettingRow<S extends v.GenericSchema = v.GenericSchema> extends SettingMeta {
  readonly name: string;
  readonly kind: SettingKind<S>;
}

export function setting<S extends v.GenericSchema>(
  name: string,
  kind: SettingKind<S>,
  meta: SettingMeta,
): SettingRow<S> {
  return { name, kind, ...meta };
}

export const PROXY: readonly Command[] = ["proxy"];
export const KUBERNETES: readonly Command[] = ["proxy", "operator"];
export const TOKEN_USERS: readonly Command[] = [
  "proxy",
  "operator",
  "accounts add",
  "accounts login",
  "accounts quota",
];
/** Settings the quota fetch of `accounts quota` reads as the proxy does. */
export const QUOTA_USERS: readonly Command[] = ["proxy", "accounts quota"];
