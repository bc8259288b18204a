/**
 * The commands grantpool understands: their names, what they do and which positional arguments
 * they take. Flags live in the setting table, which says which commands accept each one.
 */

export const ACCOUNTS_ACTIONS = [
  "list",
  "add",
  "login",
  "enable",
  "disable",
  "remove",
  "import",
  "manifest",
  "quota",
] as const;
export type AccountsAction = (typeof ACCOUNTS_ACTIONS)[number];

/** A command as main.ts dispatches on it; account commands carry their action. */
export type Command = "proxy" | "operator" | `accounts ${AccountsAction}` | "version" | "help";

export interface CommandSpec {
  readonly command: Command;
  /** Words after the command, e.g. "ID" (shown in usage). */
  readonly argument?: string;
  /** How many positionals the command takes: exactly `min` up to `max`. */
  readonly minArguments: number;
  readonly maxArguments: number;
  readonly summary: string;
}

const one = (argument: string) => ({ argument, minArguments: 1, maxArguments: 1 });
const none = { minArguments: 0, maxArguments: 0 };

export const COMMAND_SPECS: readonly CommandSpec[] = [
  // Only the Gemini API's own routes exist; the OpenAI and Anthropic routes are not there yet.
  { command: "proxy", ...none, summary: "Serve the Gemini API (/v1beta/models/…) through the account pool" },
  { command: "operator", ...none, summary: "Reconcile Account resources and their Secrets in Kubernetes" },
  { command: "accounts list", ...none, summary: "List the accounts and their state" },
  {
    command: "accounts add",
    ...none,
    summary: "Add accounts from refresh tokens (flag, file, or one per line on stdin)",
  },
  { command: "accounts login", ...none, summary: "Add an account by signing in with Google in a browser" },
  { command: "accounts enable", ...one("ID"), summary: "Return an account (id or email) to the proxy" },
  { command: "accounts disable", ...one("ID"), summary: "Take an account (id or email) out of the proxy" },
  { command: "accounts remove", ...one("ID"), summary: "Delete an account (id or email)" },
  { command: "accounts import", ...one("DIR"), summary: "Import an Antigravity-Manager data directory" },
  {
    command: "accounts quota",
    argument: "[ID]",
    minArguments: 0,
    maxArguments: 1,
    summary: "Fetch the per-model quota of one account (id or email) or of all (code-assist profile)",
  },
  {
    command: "accounts manifest",
    ...none,
    summary: "Print an Account and its Secret as YAML for kubectl apply",
  },
  { command: "version", ...none, summary: "Print the version" },
  { command: "help", argument: "[COMMAND]", minArguments: 0, maxArguments: 2, summary: "Show this help" },
];

export const ALL_COMMANDS: readonly Command[] = COMMAND_SPECS.map((spec) => spec.command);
export const ACCOUNTS_COMMANDS: readonly Command[] = ACCOUNTS_ACTIONS.map(
  (action) => `accounts ${action}` as const,
);
/** Commands that run something and so read the configuration (not help or version). */
export const CONFIGURED_COMMANDS: readonly Command[] = ALL_COMMANDS.filter(
  (c) => c !== "help" && c !== "version",
);

/** The first word of every command, as typed on the command line. */
export const COMMAND_WORDS: readonly string[] = ["proxy", "operator", "accounts", "version", "help"];

export function commandSpec(command: Command): CommandSpec {
  const spec = COMMAND_SPECS.find((candidate) => candidate.command === command);
  if (spec === undefined) throw new Error(`No spec for command "${command}"`);
  return spec;
}

export function isAccountsAction(word: string): word is AccountsAction {
  return (ACCOUNTS_ACTIONS as readonly string[]).includes(word);
}

/** Turns help topic words ("accounts", "add") into a topic, or undefined when there is none such. */
export function helpTopic(words: readonly string[]): Command | "accounts" | "" | undefined {
  const topic = words.join(" ");
  if (topic === "" || topic === "accounts") return topic;
  return ALL_COMMANDS.find((command) => command === topic);
}
