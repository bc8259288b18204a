/** Builds ConfigInputs for the config tests: an in-memory file system and a fixed home. */
import { expect } from "bun:test";
import type { ConfigError } from "../../../src/config/config-error.ts";
import { type ConfigInput, type LoadedConfig, loadConfig } from "../../../src/config/load-config.ts";

export interface FixtureOptions {
  readonly env?: Record<string, string>;
  readonly files?: Record<string, string>;
  readonly stdoutIsTTY?: boolean;
}

export const HOME = "/home/tester";

export function configInput(argv: readonly string[], options: FixtureOptions = {}): ConfigInput {
  const files = options.files ?? {};
  return {
    argv,
    env: options.env ?? {},
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return text;
    },
    homeDir: HOME,
    stdoutIsTTY: options.stdoutIsTTY ?? false,
  };
}

export function load(argv: readonly string[], options: FixtureOptions = {}): LoadedConfig {
  const result = loadConfig(configInput(argv, options));
  if (!result.ok) throw new Error(`expected a valid configuration, got:\n${result.error.message}`);
  return result.value;
}

export function loadError(argv: readonly string[], options: FixtureOptions = {}): ConfigError {
  const result = loadConfig(configInput(argv, options));
  if (result.ok) throw new Error(`expected a configuration error for ${argv.join(" ")}`);
  return result.error;
}

/** The error's issues (its message without the usage text). */
export function issuesOf(error: ConfigError): string[] {
  expect(error.message.startsWith(error.issues.join("\n"))).toBe(true);
  return [...error.issues];
}
