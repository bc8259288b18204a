/**
 * Rules that involve more than one setting or depend on the command: the fixed strategy needs
 * its account, a namespace excludes all namespaces, and so on. A rule is skipped when one of the
 * settings it reads is itself invalid (that setting's own issue is reported instead).
 */
import type { Command } from "./commands.ts";
import { describeSource, type SettingSource } from "./setting-source.ts";
import { envName, SETTING_TABLE, type SettingKey, type Settings } from "./setting-table.ts";

export interface CheckInput {
  readonly command: Command;
  readonly values: Partial<Settings>;
  readonly sources: ReadonlyMap<SettingKey, SettingSource>;
  readonly failed: ReadonlySet<SettingKey>;
}

interface CrossCheck {
  readonly commands: readonly Command[];
  readonly uses: readonly SettingKey[];
  readonly check: (input: CheckInput) => string | undefined;
}

function quoted(key: SettingKey): string {
  return `"${SETTING_TABLE[key].name}"`;
}

function origin(input: CheckInput, key: SettingKey): string {
  const source = input.sources.get(key);
  return source === undefined ? "unset" : `from ${describeSource(source)}`;
}

/** Where a setting can be given: `--name, GRANTPOOL_NAME or the config file`. */
function whereToSet(key: SettingKey): string {
  const row = SETTING_TABLE[key];
  return `--${row.name}, ${envName(row)} or the config file`;
}

function required(key: SettingKey, reason: string): string {
  return `Setting ${quoted(key)} is required ${reason}: expected ${SETTING_TABLE[key].kind.expect} from ${whereToSet(key)}`;
}

function exclusive(input: CheckInput, a: SettingKey, b: SettingKey): string {
  return (
    `Settings ${quoted(a)} (${origin(input, a)}) and ${quoted(b)} (${origin(input, b)}) exclude each other: ` +
    "expected at most one of them"
  );
}

/**
 * The commands whose whole job is to talk to Google's token endpoint need the OAuth client the
 * refresh tokens were issued to: without it nothing can be verified, so it is a configuration
 * error found before any network call. The proxy is not among them: the README's first command
 * must start it on a fresh machine, and a proxy without a client serves its probes and admin API,
 * warns once at start, and answers calls that need a token refresh with a 502 naming the settings.
 */
const OAUTH_CLIENT_COMMANDS: readonly Command[] = ["operator", "accounts add", "accounts login"];

function oauthClientRequired(key: "oauthClientId" | "oauthClientSecret"): CrossCheck {
  return {
    commands: OAUTH_CLIENT_COMMANDS,
    uses: [key],
    check: (input) =>
      input.values[key] === undefined
        ? required(
            key,
            `by "${input.command}" (Google's token endpoint needs the OAuth client the refresh tokens were issued to)`,
          )
        : undefined,
  };
}

function requiredBy(key: SettingKey, command: Command): CrossCheck {
  return {
    commands: [command],
    uses: [key],
    check: (input) => (input.values[key] === undefined ? required(key, `by "${command}"`) : undefined),
  };
}

const CROSS_CHECKS: readonly CrossCheck[] = [
  {
    commands: ["proxy"],
    uses: ["strategy", "fixedAccount"],
    check: (input) =>
      input.values.strategy === "fixed" && input.values.fixedAccount === undefined
        ? required("fixedAccount", `when "strategy" is fixed (${origin(input, "strategy")})`)
        : undefined,
  },
  {
    commands: ["proxy", "operator"],
    uses: ["namespace", "allNamespaces"],
    check: (input) =>
      input.values.namespace !== undefined && input.values.allNamespaces === true
        ? exclusive(input, "namespace", "allNamespaces")
        : undefined,
  },
  {
    commands: ["accounts add"],
    uses: ["refreshToken", "refreshTokenFile"],
    check: (input) =>
      input.values.refreshToken !== undefined && input.values.refreshTokenFile !== undefined
        ? exclusive(input, "refreshToken", "refreshTokenFile")
        : undefined,
  },
  oauthClientRequired("oauthClientId"),
  oauthClientRequired("oauthClientSecret"),
  requiredBy("name", "accounts manifest"),
  requiredBy("refreshTokenFile", "accounts manifest"),
];

/** The issues of every rule that applies to the command. */
export function crossCheck(input: CheckInput): string[] {
  const issues: string[] = [];
  for (const rule of CROSS_CHECKS) {
    if (!rule.commands.includes(input.command)) continue;
    if (rule.uses.some((key) => input.failed.has(key))) continue;
    const issue = rule.check(input);
    if (issue !== undefined) issues.push(issue);
  }
  return issues;
}
