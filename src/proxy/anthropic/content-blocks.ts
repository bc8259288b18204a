/**
 * The walk over a message's `content` that user and assistant turns share: a string is one text
 * block; text blocks are checked and their non-empty text handed on; every other block goes to
 * the turn's own translation, whose first error ends the walk.
 */
import type { EnvelopeBlock } from "./messages-envelope.ts";

export interface BlockHandlers {
  /** The text of a text block (or of string content), never empty. */
  text(text: string): void;
  /** A block of any other type at `at` (its path); an error message ends the walk. */
  other(block: EnvelopeBlock, at: string): string | undefined;
}

/** Walks `content` (at `path`) through `handlers`; the first error, or undefined. */
export function walkContent(
  content: string | readonly EnvelopeBlock[],
  path: string,
  handlers: BlockHandlers,
): string | undefined {
  if (typeof content === "string") {
    if (content !== "") handlers.text(content);
    return undefined;
  }
  for (let i = 0; i < content.length; i++) {
    const block = content[i] as EnvelopeBlock;
    const at = `${path}[${i}]`;
    if (block.type === "text") {
      if (typeof block.text !== "string") return `${at}.text: must be a string`;
      if (block.text !== "") handlers.text(block.text);
      continue;
    }
    const failure = handlers.other(block, at);
    if (failure !== undefined) return failure;
  }
  return undefined;
}
