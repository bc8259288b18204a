/**
 * The settings as rows for people: the README's configuration table is generated from (and
 * checked against) describeSettings(), and usage text shows the same defaults.
 */
import type { Command } from "./commands.ts";
import { envName, SETTING_KEYS, SETTING_TABLE, type SettingKey, type SettingRow } from "./setting-table.ts";

export interface SettingDescription {
  readonly key: SettingKey;
  /** Flag `--name` and config-file key `name:`. */
  readonly name: string;
  readonly flag: string;
  readonly envVar: string;
  readonly default: string;
  readonly meaning: string;
  /** What a valid value looks like. */
  readonly expects: string;
  readonly flagFor: readonly Command[];
  readonly secret: boolean;
}

/** How a row's default reads: "8045", "~/.grantpool", "none", or the row's own words. */
export function defaultText(row: SettingRow): string {
  if (row.defaultText !== undefined) return row.defaultText;
  const value = row.default;
  if (value === undefined || typeof value === "function") return "none";
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.join(",");
  return String(value);
}

export function describeSettings(): SettingDescription[] {
  return SETTING_KEYS.map((key) => {
    const row: SettingRow = SETTING_TABLE[key];
    return {
      key,
      name: row.name,
      flag: `--${row.name}`,
      envVar: envName(row),
      default: defaultText(row),
      meaning: row.meaning,
      expects: row.kind.expect,
      flagFor: row.flagFor,
      secret: row.secret === true,
    };
  });
}
