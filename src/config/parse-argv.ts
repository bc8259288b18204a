/**
 * Reads the command line: the command (and accounts subcommand), its positionals and its flags.
 * Flags may stand anywhere after the command word, as `--flag value`, `--flag=value` or, for
 * booleans, `--flag` / `--flag=false`; `--` ends the flags. Values are checked later, with the
 * other sources; here only the shape of the command line is, and every problem is a usage error.
 */
import { err, ok, type Result } from "../result.ts";
import { closestName, didYouMean } from "./closest-name.ts";
import {
  ACCOUNTS_ACTIONS,
  ALL_COMMANDS,
  COMMAND_WORDS,
  type Command,
  commandSpec,
  helpTopic,
  isAccountsAction,
} from "./commands.ts";
import { ConfigError } from "./config-error.ts";
import { findSettingKey, SETTING_KEYS, SETTING_TABLE, type SettingKey } from "./setting-table.ts";
import { type UsageTopic, usageText } from "./usage-text.ts";

export interface FlagValue {
  /** As typed, without any value: `--port`. */
  readonly flag: string;
  /** `true` for a bare boolean flag; otherwise the text given. */
  readonly value: string | boolean;
}

export interface ParsedArgv {
  readonly command: Command;
  readonly positionals: string[];
  readonly flags: ReadonlyMap<SettingKey, FlagValue>;
}

const HELP_FLAGS = ["--help", "-h"];
const FLAG_NAMES = SETTING_KEYS.map((key) => `--${SETTING_TABLE[key].name}`);

interface Scan {
  readonly flags: Map<SettingKey, FlagValue>;
  readonly words: string[];
  readonly issues: string[];
  help: boolean;
  /** How many flags were not recognized (their values, if any, cannot be told from positionals). */
  unknownFlags: number;
}

function usageError(issues: readonly string[], topic: UsageTopic): Result<never, ConfigError> {
  return err(new ConfigError("usage", issues, { usage: usageText(topic) }));
}

function recordFlag(scan: Scan, key: SettingKey, flag: FlagValue): void {
  const earlier = scan.flags.get(key);
  if (earlier === undefined) {
    scan.flags.set(key, flag);
  } else if (SETTING_TABLE[key].kind.list) {
    scan.flags.set(key, { flag: flag.flag, value: `${String(earlier.value)},${String(flag.value)}` });
  } else {
    scan.issues.push(`Flag ${flag.flag} is given more than once`);
  }
}

/**
 * Records an unknown flag; returns how many tokens it used. A typo of a flag that takes a value
 * (`--dta-dir D`) takes its value along, so that D is not read as a positional or a subcommand
 * and the typo is the only problem reported.
 */
function scanUnknownFlag(
  scan: Scan,
  tokens: readonly string[],
  index: number,
  flag: string,
  inline: string | undefined,
): number {
  const closest = closestName(flag, FLAG_NAMES);
  scan.issues.push(`Unknown flag ${flag}${closest === undefined ? "" : ` (did you mean ${closest}?)`}`);
  scan.unknownFlags += 1;
  const meant = closest === undefined ? undefined : findSettingKey(closest.slice(2));
  const next = tokens[index + 1];
  const takesValue = meant !== undefined && !SETTING_TABLE[meant].kind.boolean;
  return inline === undefined && takesValue && next !== undefined && !next.startsWith("-") ? 2 : 1;
}

/** Reads the flag at tokens[index]; returns how many tokens it used. */
function scanFlag(scan: Scan, tokens: readonly string[], index: number): number {
  const token = tokens[index] ?? "";
  const equals = token.indexOf("=");
  const flag = equals === -1 ? token : token.slice(0, equals);
  const inline = equals === -1 ? undefined : token.slice(equals + 1);
  const key = flag.startsWith("--") ? findSettingKey(flag.slice(2)) : undefined;
  if (key === undefined) return scanUnknownFlag(scan, tokens, index, flag, inline);
  if (inline !== undefined || SETTING_TABLE[key].kind.boolean) {
    recordFlag(scan, key, { flag, value: inline ?? true });
    return 1;
  }
  const next = tokens[index + 1];
  if (next === undefined || next.startsWith("--")) {
    scan.issues.push(`Flag ${flag} needs a value (${SETTING_TABLE[key].kind.expect})`);
    return 1;
  }
  recordFlag(scan, key, { flag, value: next });
  return 2;
}

function scanTokens(tokens: readonly string[]): Scan {
  const scan: Scan = { flags: new Map(), words: [], issues: [], help: false, unknownFlags: 0 };
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index] ?? "";
    if (token === "--") {
      scan.words.push(...tokens.slice(index + 1));
      break;
    }
    if (HELP_FLAGS.includes(token)) {
      scan.help = true;
      index += 1;
    } else if (token.startsWith("-") && token !== "-") {
      index += scanFlag(scan, tokens, index);
    } else {
      scan.words.push(token);
      index += 1;
    }
  }
  return scan;
}

interface Resolved {
  readonly command?: Command;
  readonly topic: UsageTopic;
  readonly positionals: string[];
  readonly issues: string[];
}

function resolveCommand(word: string, words: readonly string[]): Resolved {
  const simple = ALL_COMMANDS.find((command) => command === word);
  if (simple !== undefined) return { command: simple, topic: simple, positionals: [...words], issues: [] };
  const [action, ...positionals] = words;
  if (action === undefined) {
    return {
      topic: "accounts",
      positionals,
      issues: [`Missing accounts subcommand: expected one of ${ACCOUNTS_ACTIONS.join(", ")}`],
    };
  }
  if (!isAccountsAction(action)) {
    const hint = didYouMean(action, ACCOUNTS_ACTIONS);
    return { topic: "accounts", positionals, issues: [`Unknown accounts subcommand "${action}"${hint}`] };
  }
  const command: Command = `accounts ${action}`;
  return { command, topic: command, positionals, issues: [] };
}

function flagIssues(command: Command, flags: ReadonlyMap<SettingKey, FlagValue>): string[] {
  const issues: string[] = [];
  for (const [key, { flag }] of flags) {
    const accepting = SETTING_TABLE[key].flagFor;
    if (accepting.includes(command)) continue;
    const elsewhere = accepting.length === 0 ? "" : ` (it is for ${accepting.join(", ")})`;
    issues.push(`Flag ${flag} is not accepted by "${command}"${elsewhere}`);
  }
  return issues;
}

/** Positionals are not echoed: a refresh token typed without its flag must not be printed. */
function countIssues(command: Command, positionals: readonly string[]): string[] {
  const spec = commandSpec(command);
  const count = positionals.length;
  if (count >= spec.minArguments && count <= spec.maxArguments) return [];
  if (spec.maxArguments === 0) return [`"${command}" takes no arguments, got ${count}`];
  const argument = spec.argument ?? "argument";
  if (count === 0) return [`"${command}" needs one ${argument}`];
  return [`"${command}" takes one ${argument}, got ${count} arguments`];
}

function parseHelp(words: readonly string[]): Result<ParsedArgv, ConfigError> {
  const scan = scanTokens(words);
  const topic = helpTopic(scan.words);
  const issues = [...scan.issues, ...flagIssues("help", scan.flags)];
  if (topic === undefined) issues.push(`Unknown help topic "${scan.words.join(" ")}"`);
  if (issues.length > 0) return usageError(issues, topic ?? "");
  return ok({ command: "help", positionals: scan.words, flags: new Map() });
}

export function parseArgv(argv: readonly string[]): Result<ParsedArgv, ConfigError> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "help" || HELP_FLAGS.includes(first)) return parseHelp(rest);
  const word = first === "--version" ? "version" : first;
  if (!COMMAND_WORDS.includes(word)) {
    const issue = word.startsWith("-")
      ? `Expected a command before the flag ${word.split("=")[0]}`
      : `Unknown command "${word}"${didYouMean(word, COMMAND_WORDS)}`;
    return usageError([issue], "");
  }
  const scan = scanTokens(rest);
  const resolved = resolveCommand(word, scan.words);
  if (scan.help) {
    const topicWords = resolved.command === undefined ? [word] : resolved.command.split(" ");
    return ok({ command: "help", positionals: topicWords, flags: new Map() });
  }
  const issues = [...scan.issues];
  // After an unknown flag the words may hold its value: a word count or a subcommand read from
  // them would be a second, misleading error for the same typo.
  const wordsReliable = scan.unknownFlags === 0;
  if (wordsReliable) issues.push(...resolved.issues);
  if (resolved.command !== undefined) {
    issues.push(...flagIssues(resolved.command, scan.flags));
    if (wordsReliable) issues.push(...countIssues(resolved.command, resolved.positionals));
  }
  if (resolved.command === undefined || issues.length > 0) return usageError(issues, resolved.topic);
  return ok({ command: resolved.command, positionals: resolved.positionals, flags: scan.flags });
}
