/**
 * Which upstream model serves a client's model name (`--model-map`). Clients name the models of
 * their own vendor (Claude Code asks for `claude-sonnet-4-5`); the upstream serves Gemini models.
 * The user's entries come first — exact names before patterns, patterns in the order given —
 * then the built-in entries for Claude names; a name nothing matches is passed through as it is.
 * A pattern's `*` matches any run of characters; a target of `*` keeps the client's name.
 */

export interface ModelMapEntry {
  readonly pattern: string;
  readonly target: string;
  /** Where the entry comes from: the user's setting, or grantpool's built-in map. */
  readonly source: "setting" | "built-in";
}

export interface ModelMap {
  /** The upstream model for a client's model name. */
  resolve(clientModel: string): string;
  /** Every entry in the order they are tried. */
  readonly entries: readonly ModelMapEntry[];
}

/**
 * Claude and OpenAI families onto generally available Gemini models of the same tier; any other
 * Claude or GPT name (a new family, such as Claude Code's `claude-fable-5-2` alias, or Codex's
 * `gpt-5.1-codex-max`) goes to the strongest.
 */
export const BUILT_IN_MODEL_MAP: readonly string[] = [
  "claude-*haiku*=gemini-2.5-flash",
  "claude-*opus*=gemini-2.5-pro",
  "claude-*sonnet*=gemini-2.5-pro",
  "claude-*=gemini-2.5-pro",
  "gpt-*nano*=gemini-2.5-flash-lite",
  "gpt-*mini*=gemini-2.5-flash",
  "gpt-*=gemini-2.5-pro",
  "codex-mini*=gemini-2.5-flash",
  "o1-mini*=gemini-2.5-flash",
  "o3-mini*=gemini-2.5-flash",
  "o4-mini*=gemini-2.5-flash",
  "o1*=gemini-2.5-pro",
  "o3*=gemini-2.5-pro",
  "o4*=gemini-2.5-pro",
];

const KEEP = "*";

function parseEntry(text: string, source: ModelMapEntry["source"]): ModelMapEntry {
  const at = text.indexOf("=");
  return { pattern: text.slice(0, at), target: text.slice(at + 1), source };
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`, "i");
}

interface CompiledEntry {
  readonly entry: ModelMapEntry;
  readonly matches: (model: string) => boolean;
}

function compile(entry: ModelMapEntry): CompiledEntry {
  if (!entry.pattern.includes("*")) {
    const exact = entry.pattern.toLowerCase();
    return { entry, matches: (model) => model.toLowerCase() === exact };
  }
  const regex = globToRegExp(entry.pattern);
  return { entry, matches: (model) => regex.test(model) };
}

/** `settingEntries` are the `PATTERN=MODEL` texts of the setting, already validated. */
export function createModelMap(settingEntries: readonly string[]): ModelMap {
  const own = settingEntries.map((text) => parseEntry(text, "setting"));
  const ordered = [
    ...own.filter((entry) => !entry.pattern.includes("*")),
    ...own.filter((entry) => entry.pattern.includes("*")),
    ...BUILT_IN_MODEL_MAP.map((text) => parseEntry(text, "built-in")),
  ];
  const compiled = ordered.map(compile);
  const memo = new Map<string, string>();
  return {
    entries: ordered,
    resolve(clientModel) {
      const known = memo.get(clientModel);
      if (known !== undefined) return known;
      const hit = compiled.find((candidate) => candidate.matches(clientModel))?.entry;
      const target = hit === undefined || hit.target === KEEP ? clientModel : hit.target;
      // Client model names are few; a flood of distinct ones is not worth remembering.
      if (memo.size < 1024) memo.set(clientModel, target);
      return target;
    },
  };
}

/** One line for the start-up log: `claude-*opus* → gemini-2.5-pro, …`. */
export function describeModelMap(map: ModelMap): string {
  return map.entries
    .map((entry) => `${entry.pattern} → ${entry.target === KEEP ? "(as asked)" : entry.target}`)
    .join(", ");
}
