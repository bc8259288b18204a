/** Builds ConfigInputs for the config tests: an in-memory file system and a fixed home. */
import { expect } from "bun:test";
import type { ConfigError } from "../../../src/config/config-error.ts";
import { type ConfigInput, type LoadedConfig, loadConfig } from "../../../src/config/load-config.ts";

export interface FixtureOptions {
  readonly env?: Record<string, string>;
  /** Leave out the OAuth client every test environment has by default (see OAUTH_CLIENT_ENV). */
  readonly withoutOAuthClient?: boolean;
  readonly files?: Record<string, string>;
  readonly stdoutIsTTY?: boolean;
}

export const HOME = "/home/tester";

/**
 * The commands that call Google require an OAuth client; tests about other settings get one from
 * the environment, so their expected issues are only their own.
 */
export const OAUTH_CLIENT_ENV: Readonly<Record<string, string>> = {
  GRANTPOOL_OAUTH_CLIENT_ID: "test-client.apps.googleusercontent.com",
  GRANTPOOL_OAUTH_CLIENT_SECRET: "test-client-secret",
};

export function configInput(argv: readonly string[], options: FixtureOptions = {}): ConfigInput {
  const files = options.files ?? {};
  return {
    argv,
    env: { ...(options.withoutOAuthClient === true ? {} : OAUTH_CLIENT_ENV), ...options.env },
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
