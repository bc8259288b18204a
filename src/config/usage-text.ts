/**
 * Usage text: the overview, and per command its synopsis and flags, generated from the command
 * specs and the setting table so that help never drifts from what the parser accepts.
 */
import { ACCOUNTS_ACTIONS, ACCOUNTS_COMMANDS, COMMAND_SPECS, type Command, commandSpec } from "./commands.ts";
import { defaultText } from "./describe-settings.ts";
import { SETTING_KEYS, SETTING_TABLE, type SettingRow } from "./setting-table.ts";

export type UsageTopic = Command | "accounts" | "";

const FOOTER = [
  "Every flag --name can also be set as the variable GRANTPOOL_NAME (--data-dir: GRANTPOOL_DATA_DIR)",
  'or as "name:" in the --config file. A flag beats a variable, which beats the file, which beats',
  "the default.",
].join("\n");

const MAX_LEFT_WIDTH = 24;

/** Two columns; a left cell too wide for the column puts its text on the next line. */
function columns(rows: readonly (readonly [string, string])[]): string {
  const fitting = rows.map(([left]) => left.length).filter((length) => length <= MAX_LEFT_WIDTH);
  const width = Math.max(0, ...fitting) + 2;
  return rows
    .map(([left, right]) =>
      left.length + 2 > width
        ? `  ${left}\n  ${" ".repeat(width)}${right}`
        : `  ${left.padEnd(width)}${right}`,
    )
    .join("\n");
}

function flagRows(command: Command | "accounts"): SettingRow[] {
  const accepts = (row: SettingRow) =>
    command === "accounts"
      ? ACCOUNTS_COMMANDS.every((each) => row.flagFor.includes(each))
      : row.flagFor.includes(command);
  return SETTING_KEYS.map((key): SettingRow => SETTING_TABLE[key]).filter(accepts);
}

function flagList(rows: readonly SettingRow[]): string {
  return columns(
    rows.map((row) => {
      const placeholder = row.kind.placeholder === "" ? "" : ` ${row.kind.placeholder}`;
      const fallback = defaultText(row);
      const suffix = fallback === "none" || fallback === "false" ? "" : ` (default ${fallback})`;
      return [`--${row.name}${placeholder}`, `${row.meaning}${suffix}`] as const;
    }),
  );
}

function synopsis(command: Command): string {
  const spec = commandSpec(command);
  if (command === "help" || command === "version") return [command, spec.argument ?? ""].join(" ").trim();
  return [command, "[flags]", spec.argument ?? ""].join(" ").trim();
}

function overview(): string {
  const commands: (readonly [string, string])[] = [
    ["proxy", commandSpec("proxy").summary],
    ["operator", commandSpec("operator").summary],
    ["accounts", `Manage the accounts: ${ACCOUNTS_ACTIONS.join(", ")}`],
    ["version", commandSpec("version").summary],
    ["help [COMMAND]", commandSpec("help").summary],
  ];
  return [
    "grantpool: a pool of Google OAuth accounts serving AI API traffic",
    "",
    "Usage:",
    "  grantpool proxy [flags]",
    "  grantpool operator [flags]",
    "  grantpool accounts [flags] SUBCOMMAND [flags]",
    "  grantpool version",
    "",
    "Commands:",
    columns(commands),
    "",
    'Run "grantpool help COMMAND" for its flags.',
    FOOTER,
  ].join("\n");
}

function accountsOverview(): string {
  const subcommands = COMMAND_SPECS.filter((spec) => spec.command.startsWith("accounts ")).map(
    (spec) =>
      [[spec.command.slice("accounts ".length), spec.argument ?? ""].join(" ").trim(), spec.summary] as const,
  );
  return [
    "Usage: grantpool accounts [flags] SUBCOMMAND [flags] [ARGUMENT]",
    "",
    "Subcommands:",
    columns(subcommands),
    "",
    "Flags of every subcommand (they may stand before or after it):",
    flagList(flagRows("accounts")),
    "",
    'Run "grantpool help accounts SUBCOMMAND" for its other flags.',
    FOOTER,
  ].join("\n");
}

function commandUsage(command: Command): string {
  const rows = flagRows(command);
  const lines = [`Usage: grantpool ${synopsis(command)}`, "", commandSpec(command).summary];
  if (rows.length > 0) lines.push("", "Flags:", flagList(rows), "", FOOTER);
  return lines.join("\n");
}

/** The help for a topic: "" for the overview, "accounts" for the account subcommands, or a command. */
export function usageText(topic: UsageTopic = ""): string {
  if (topic === "" || topic === "help") return overview();
  if (topic === "accounts") return accountsOverview();
  return commandUsage(topic);
}
