/**
 * Tool names between the two protocols. Anthropic allows `[a-zA-Z0-9_-]{1,128}` (MCP tools are
 * often long: `mcp__server__tool_name…`); Gemini wants a letter or `_` first, then
 * `[a-zA-Z0-9_.:-]`, at most 64 characters. A name that fits is sent unchanged; any other gets a
 * fitting name with a hash of the original, so the same client name always maps to the same
 * Gemini name (history and declarations agree without shared state), and the reply maps it back
 * through the table built from the request's tools.
 */

const GEMINI_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
const MAX_LENGTH = 64;
/** `_` and eight hex digits. */
const HASH_LENGTH = 9;

export interface ToolNameMap {
  /** The Gemini function name for a client's tool name (declared or not). */
  toGemini(clientName: string): string;
  /** The client's tool name for a Gemini function name; unknown names are returned as they are. */
  toClient(geminiName: string): string;
  /** Only the names that were changed: Gemini name → client name. */
  readonly renamed: ReadonlyMap<string, string>;
}

/** FNV-1a, 32 bits: cheap, stable across runtimes, enough to keep a handful of names apart. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/** The Gemini name for any client name, without looking at other names. */
export function geminiToolName(clientName: string): string {
  if (GEMINI_NAME.test(clientName)) return clientName;
  let base = clientName.replace(/[^A-Za-z0-9_.:-]/g, "_");
  if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
  return `${base.slice(0, MAX_LENGTH - HASH_LENGTH)}_${fnv1a(clientName)}`;
}

/** The table for one request, from its declared tool names in order. */
export function createToolNameMap(clientNames: Iterable<string>): ToolNameMap {
  const toGemini = new Map<string, string>();
  const renamed = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of clientNames) {
    if (toGemini.has(name)) continue;
    const first = geminiToolName(name);
    let gemini = first;
    // Two client names on one Gemini name (a hash collision, or a valid name that equals another's
    // rewrite): the later one gets a counter, decided by the order of the declarations.
    for (let n = 2; taken.has(gemini); n++) gemini = `${first.slice(0, MAX_LENGTH - 4)}_${n}`;
    taken.add(gemini);
    toGemini.set(name, gemini);
    if (gemini !== name) renamed.set(gemini, name);
  }
  return {
    toGemini: (clientName) => toGemini.get(clientName) ?? geminiToolName(clientName),
    toClient: (geminiName) => renamed.get(geminiName) ?? geminiName,
    renamed,
  };
}
