/**
 * The configuration loader: command line, environment and config file in, the command and a
 * complete, validated Settings object out, or a ConfigError listing every problem. Pure: all
 * input arrives through ConfigInput, so nothing here reads the process's env, argv or files.
 */
import { err, ok, type Result } from "../result.ts";
import { CONFIGURED_COMMANDS, type Command } from "./commands.ts";
import { ConfigError } from "./config-error.ts";
import { crossCheck } from "./cross-checks.ts";
import { parseArgv } from "./parse-argv.ts";
import { parseConfigFile } from "./read-config-file.ts";
import { pickValue, resolveSettings, type SettingInputs, validateValue } from "./resolve-settings.ts";
import { describeSource } from "./setting-source.ts";
import type { Settings } from "./setting-table.ts";

export interface ConfigInput {
  /** The arguments after the program name: ["accounts", "--data-dir", "D", "add"]. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a file's text; throws when it cannot (used for --config). */
  readonly readFile: (path: string) => string;
  readonly homeDir: string;
  readonly stdoutIsTTY: boolean;
}

export interface LoadedConfig {
  readonly command: Command;
  readonly positionals: string[];
  readonly settings: Settings;
}

interface LoadedFile {
  readonly file?: NonNullable<SettingInputs["file"]>;
  readonly issues: readonly string[];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads the file named by --config or GRANTPOOL_CONFIG, if any. A bad path is reported later. */
function loadConfigFile(inputs: SettingInputs, readFile: (path: string) => string): LoadedFile {
  const picked = pickValue("configFile", inputs);
  if (picked === undefined) return { issues: [] };
  const valid = validateValue("configFile", picked, inputs.context.homeDir);
  if (!valid.success || typeof valid.output !== "string") return { issues: [] };
  const path = valid.output;
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    return {
      issues: [
        `Cannot read config file "${path}" (from ${describeSource(picked.source)}): ${errorText(error)}`,
      ],
    };
  }
  const parsed = parseConfigFile(path, text);
  return { file: { path, entries: parsed.entries }, issues: parsed.issues };
}

export function loadConfig(input: ConfigInput): Result<LoadedConfig, ConfigError> {
  const parsed = parseArgv(input.argv);
  if (!parsed.ok) return parsed;
  const { command, positionals, flags } = parsed.value;
  const context = { homeDir: input.homeDir, stdoutIsTTY: input.stdoutIsTTY };
  // help and version start nothing, so they work whatever the environment or config file holds.
  const configured = CONFIGURED_COMMANDS.includes(command);
  const inputs: SettingInputs = configured ? { flags, env: input.env, context } : { flags, env: {}, context };
  const loaded = configured ? loadConfigFile(inputs, input.readFile) : { issues: [] };
  const resolved = resolveSettings(loaded.file === undefined ? inputs : { ...inputs, file: loaded.file });
  const issues = [...loaded.issues, ...resolved.issues, ...crossCheck({ command, ...resolved })];
  if (issues.length > 0) return err(new ConfigError("config_invalid", issues));
  // Every setting without a default is optional, so with no issues all required keys are present.
  const settings = Object.freeze(resolved.values as Settings);
  return ok({ command, positionals, settings });
}
