/**
 * Reads the YAML (or JSON) config file into key/value entries that remember their line. The file
 * is parsed with YAML's failsafe schema, so every scalar arrives as text, exactly like flags and
 * variables, and one set of schemas validates all three. A plain `~`, `null` or empty value
 * means "not set". Aliases are capped (MAX_ALIAS_COUNT), so an alias bomb ("billion laughs") is an
 * issue naming the file and line, not a runaway expansion or an uncaught error.
 */
import { isMap, isScalar, LineCounter, type Node, type ParsedNode, parseDocument } from "yaml";
import { didYouMean } from "./closest-name.ts";
import { findSettingKey, SETTING_KEYS, SETTING_TABLE, type SettingKey } from "./setting-table.ts";

export interface FileEntry {
  readonly key: SettingKey;
  /** Text, a list of texts, or (wrongly) a mapping; validation says which is wrong. */
  readonly value: unknown;
  readonly line: number;
}

export interface ConfigFile {
  readonly entries: readonly FileEntry[];
  readonly issues: readonly string[];
}

/** Alias resolutions allowed per value; a settings file needs a handful at most. */
export const MAX_ALIAS_COUNT = 100;

const UNSET_WORDS = ["", "~", "null", "Null", "NULL"];
const FILE_KEYS = SETTING_KEYS.filter((key) => SETTING_TABLE[key].inFile !== false).map(
  (key) => SETTING_TABLE[key].name,
);

function isUnset(node: Node | null): boolean {
  if (node === null) return true;
  return isScalar(node) && node.type === "PLAIN" && UNSET_WORDS.includes(String(node.value));
}

/** Parses the text of the file at `path` (named in messages). */
export function parseConfigFile(path: string, text: string): ConfigFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, schema: "failsafe", prettyErrors: false });
  const at = (offset: number) => `${path}:${lines.linePos(offset).line}`;
  const issues = doc.errors.map((error) => `Cannot parse config file ${at(error.pos[0])}: ${error.message}`);
  if (issues.length > 0) return { entries: [], issues };
  const contents: ParsedNode | null = doc.contents;
  if (contents === null || isUnset(contents)) return { entries: [], issues: [] };
  if (!isMap(contents)) {
    return {
      entries: [],
      issues: [`Config file ${at(contents.range[0])} must be a mapping of settings (port: 8045)`],
    };
  }
  const entries: FileEntry[] = [];
  for (const pair of contents.items) {
    const keyNode = pair.key as ParsedNode | null;
    const line = lines.linePos((keyNode ?? contents).range[0]).line;
    const name = isScalar(keyNode) ? String(keyNode.value) : "";
    const key = findSettingKey(name);
    if (key === undefined || SETTING_TABLE[key].inFile === false) {
      const what = key === undefined ? `Unknown setting "${name}"` : `Setting "${name}" cannot be set`;
      issues.push(`${what} in config file ${path}:${line}${didYouMean(name, FILE_KEYS)}`);
      continue;
    }
    const valueNode = pair.value as ParsedNode | null;
    if (isUnset(valueNode)) continue;
    try {
      entries.push({ key, value: valueNode?.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT }), line });
    } catch (error) {
      // yaml throws a ReferenceError for too many aliases (and for an alias to nothing).
      const message = error instanceof Error ? error.message : String(error);
      const reason = message.includes("Excessive alias count")
        ? `its YAML aliases expand more than ${MAX_ALIAS_COUNT} times; write the value out instead`
        : message;
      issues.push(`Cannot read setting "${name}" in config file ${path}:${line}: ${reason}`);
    }
  }
  return { entries, issues };
}
