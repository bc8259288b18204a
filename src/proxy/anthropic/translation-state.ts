/**
 * What translating one request's conversation learns as it goes, shared by the per-block
 * translators: which Gemini function each `tool_use` id called (a `functionResponse` must name
 * it, an Anthropic `tool_result` only gives the id) and which deferred tools were loaded.
 */
import type { ToolNameMap } from "../translation/tool-names.ts";

export interface TranslationState {
  readonly names: ToolNameMap;
  /** `tool_use` id → Gemini function name, from the assistant turns read so far. */
  readonly callNames: Map<string, string>;
  /** Tools named by `tool_reference` blocks: deferred tools that are now loaded. */
  readonly referencedTools: Set<string>;
}

export function createTranslationState(names: ToolNameMap): TranslationState {
  return { names, callNames: new Map(), referencedTools: new Set() };
}
