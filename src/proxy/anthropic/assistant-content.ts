/**
 * An assistant message's content → the parts of a Gemini `model` turn, with each thought
 * signature put back on the part it came from. Claude Code returns the blocks grantpool sent
 * byte for byte, and the reply translators hand signatures out in two forms (see
 * reply-assembler.ts):
 *
 * - a `thinking` block with text and a signature was a thought part: `{thought, text,
 *   thoughtSignature}` again;
 * - a `thinking` block with no text and a signature carried the signature of the part after it
 *   (a function call or text): the signature goes onto the next part of this message, or, when
 *   none follows, onto an empty text part (Gemini's own form for a closing signature);
 * - a `thinking` block with text and no signature is a thought summary Gemini does not need back:
 *   dropped; so are `redacted_thinking` blocks (Anthropic-encrypted, meaningless to Gemini).
 *
 * `tool_use` blocks become `functionCall`s, and their ids are remembered for the results.
 */
import { err, ok, type Result } from "../../result.ts";
import type { GeminiPart } from "../translation/gemini-contents.ts";
import { isRecord } from "../translation/is-record.ts";
import { walkContent } from "./content-blocks.ts";
import type { EnvelopeBlock } from "./messages-envelope.ts";
import type { TranslationState } from "./translation-state.ts";

const nonEmpty = (value: unknown): value is string => typeof value === "string" && value !== "";

class SignedParts {
  readonly parts: GeminiPart[] = [];
  private pending: string | undefined;

  /** A signature for whatever part comes next. */
  hold(signature: string): void {
    this.flush();
    this.pending = signature;
  }

  push(part: GeminiPart): void {
    if (this.pending !== undefined) part.thoughtSignature = this.pending;
    this.pending = undefined;
    this.parts.push(part);
  }

  /** A held signature that no part took: on a part of its own. */
  flush(final = false): void {
    if (this.pending === undefined) return;
    const signature = this.pending;
    this.pending = undefined;
    this.parts.push(
      final
        ? { text: "", thoughtSignature: signature }
        : { thought: true, text: "", thoughtSignature: signature },
    );
  }
}

function toolUsePart(block: EnvelopeBlock, at: string, state: TranslationState): Result<GeminiPart, string> {
  if (typeof block.id !== "string") return err(`${at}.id: must be a string`);
  if (typeof block.name !== "string") return err(`${at}.name: must be a string`);
  const input = block.input ?? {};
  if (!isRecord(input)) return err(`${at}.input: must be an object`);
  const name = state.names.toGemini(block.name);
  state.callNames.set(block.id, name);
  return ok({ functionCall: { name, args: input } });
}

export function translateAssistantContent(
  content: string | readonly EnvelopeBlock[],
  path: string,
  state: TranslationState,
): Result<GeminiPart[], string> {
  const out = new SignedParts();
  const failure = walkContent(content, path, {
    text: (text) => out.push({ text }),
    other: (block, at) => {
      switch (block.type) {
        case "tool_use": {
          const part = toolUsePart(block, at, state);
          if (!part.ok) return part.error;
          out.push(part.value);
          return undefined;
        }
        case "thinking":
          if (!nonEmpty(block.signature)) return undefined;
          if (nonEmpty(block.thinking)) {
            out.flush();
            out.parts.push({ thought: true, text: block.thinking, thoughtSignature: block.signature });
          } else {
            out.hold(block.signature);
          }
          return undefined;
        default:
          // redacted_thinking, server tool blocks, unknown kinds: nothing Gemini could take back.
          return undefined;
      }
    },
  });
  if (failure !== undefined) return err(failure);
  out.flush(true);
  return ok(out.parts);
}
