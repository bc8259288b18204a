/**
 * A user message's content → the parts of a Gemini `user` turn: text, inline media, and the
 * function responses for `tool_result` blocks — those first, since Gemini reads a turn that
 * answers function calls by its responses; the user's own text and media follow in their order.
 * Blocks that mean nothing to Gemini (thinking echoed in a user turn, unknown kinds) are dropped.
 */
import { err, ok, type Result } from "../../result.ts";
import type { GeminiPart } from "../translation/gemini-contents.ts";
import { walkContent } from "./content-blocks.ts";
import { mediaParts } from "./media-parts.ts";
import type { EnvelopeBlock } from "./messages-envelope.ts";
import { translateToolResult } from "./tool-result.ts";
import type { TranslationState } from "./translation-state.ts";

export function translateUserContent(
  content: string | readonly EnvelopeBlock[],
  path: string,
  state: TranslationState,
): Result<GeminiPart[], string> {
  const responses: GeminiPart[] = [];
  const others: GeminiPart[] = [];
  const failure = walkContent(content, path, {
    text: (text) => {
      others.push({ text });
    },
    other: (block, at) => {
      switch (block.type) {
        case "image":
        case "document": {
          const parts = mediaParts(block, at);
          if (!parts.ok) return parts.error;
          others.push(...parts.value);
          return undefined;
        }
        case "tool_result": {
          const result = translateToolResult(block, at, state);
          if (!result.ok) return result.error;
          responses.push(result.value.response);
          others.push(...result.value.media);
          return undefined;
        }
        case "tool_reference":
          if (typeof block.tool_name === "string") {
            state.referencedTools.add(block.tool_name);
            others.push({ text: `Tool loaded: ${block.tool_name}` });
          }
          return undefined;
        default:
          return undefined;
      }
    },
  });
  if (failure !== undefined) return err(failure);
  return ok(responses.length === 0 ? others : [...responses, ...others]);
}
