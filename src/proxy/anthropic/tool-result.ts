/**
 * A `tool_result` block → a Gemini `functionResponse`. Gemini needs the function's name, which
 * Anthropic only gives through the id: it is the name of the `tool_use` with that id earlier in
 * the conversation. The result's text becomes `{output}` (or `{error}` with `is_error`, the keys
 * Gemini documents); images and PDFs in it follow as inline parts of the same turn, since not
 * every Gemini model takes media inside a function response. `tool_reference` blocks (Claude
 * Code's ToolSearch) become a line of text and mark the tool as loaded. A result whose
 * `tool_use` is not in the conversation (trimmed history) is sent as text instead, because a
 * response to a call Gemini never saw is refused.
 */
import { err, ok, type Result } from "../../result.ts";
import type { GeminiPart } from "../translation/gemini-contents.ts";
import { isRecord } from "../translation/is-record.ts";
import { mediaParts } from "./media-parts.ts";
import type { TranslationState } from "./translation-state.ts";

export interface ToolResultParts {
  /** The `functionResponse` (or, for an unknown id, a text part). */
  readonly response: GeminiPart;
  /** Media from the result, to follow the responses of the turn. */
  readonly media: readonly GeminiPart[];
}

/** The text of a `search_result` block's content. */
function searchResultText(block: Record<string, unknown>): string {
  const lines = typeof block.title === "string" ? [block.title] : [];
  if (Array.isArray(block.content)) {
    for (const inner of block.content)
      if (isRecord(inner) && typeof inner.text === "string") lines.push(inner.text);
  }
  return lines.join("\n");
}

interface Collected {
  readonly texts: string[];
  readonly media: GeminiPart[];
}

function collectBlock(
  block: unknown,
  path: string,
  state: TranslationState,
  into: Collected,
): string | undefined {
  if (!isRecord(block)) return `${path}: must be a content block object`;
  switch (block.type) {
    case "text":
      if (typeof block.text !== "string") return `${path}.text: must be a string`;
      into.texts.push(block.text);
      return undefined;
    case "image":
    case "document": {
      const parts = mediaParts(block, path);
      if (!parts.ok) return parts.error;
      for (const part of parts.value) {
        if (typeof part.text === "string") into.texts.push(part.text);
        else into.media.push(part);
      }
      return undefined;
    }
    case "tool_reference":
      if (typeof block.tool_name === "string") {
        state.referencedTools.add(block.tool_name);
        into.texts.push(`Tool loaded: ${block.tool_name}`);
      }
      return undefined;
    case "search_result":
      into.texts.push(searchResultText(block));
      return undefined;
    default:
      // Unknown kinds of result content carry nothing Gemini could use.
      return undefined;
  }
}

export function translateToolResult(
  block: Record<string, unknown>,
  path: string,
  state: TranslationState,
): Result<ToolResultParts, string> {
  const id = block.tool_use_id;
  if (typeof id !== "string") return err(`${path}.tool_use_id: must be a string`);
  const collected: Collected = { texts: [], media: [] };
  const { content } = block;
  if (typeof content === "string") collected.texts.push(content);
  else if (Array.isArray(content)) {
    for (let i = 0; i < content.length; i++) {
      const problem = collectBlock(content[i], `${path}.content[${i}]`, state, collected);
      if (problem !== undefined) return err(problem);
    }
  } else if (content !== undefined && content !== null) {
    return err(`${path}.content: must be a string or an array of blocks`);
  }
  const output = collected.texts.join("\n");
  const name = state.callNames.get(id);
  if (name === undefined) {
    return ok({ response: { text: `Result of tool call ${id}:\n${output}` }, media: collected.media });
  }
  const response = block.is_error === true ? { error: output } : { output };
  return ok({ response: { functionResponse: { name, response } }, media: collected.media });
}
