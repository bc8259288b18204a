/**
 * `system` and `messages` → Gemini `systemInstruction` and `contents`.
 *
 * Gemini has one system instruction, so the top-level `system` (a string or text blocks) and
 * every `role: "system"` message — Claude Code sends one after the first user turn, with a
 * string or blocks, sometimes empty — all go into it, in the order they appear. They are
 * instructions from the application, not words of the user, which is what a user turn would
 * make of them. Claude Code's `x-anthropic-billing-header` line (a block of its own, or the first
 * line of a text) is dropped: it changes between requests and would spoil Gemini's prefix caching
 * for nothing.
 *
 * user/assistant become user/model turns; consecutive turns of one role (also those a system
 * message separated) are merged, and turns left without parts are dropped. A `model` turn
 * with function calls but no signature on any of them (history from another model, or from
 * Gemini 2.5 without thinking) gets Google's documented placeholder signature on its first
 * call, which Gemini 3 requires (translation/gemini-contents.ts).
 */
import { err, ok, type Result } from "../../result.ts";
import {
  appendTurn,
  type GeminiContent,
  type GeminiPart,
  signUnsignedCalls,
} from "../translation/gemini-contents.ts";
import { translateAssistantContent } from "./assistant-content.ts";
import type { EnvelopeBlock, EnvelopeMessage } from "./messages-envelope.ts";
import type { TranslationState } from "./translation-state.ts";
import { translateUserContent } from "./user-content.ts";

const BILLING_HEADER = "x-anthropic-billing-header:";

export interface Conversation {
  readonly contents: GeminiContent[];
  readonly systemParts: GeminiPart[];
}

/** A system text without Claude Code's billing header line; empty when nothing else is left. */
function withoutBillingHeader(text: string): string {
  if (!text.startsWith(BILLING_HEADER)) return text;
  const newline = text.indexOf("\n");
  return newline === -1 ? "" : text.slice(newline + 1);
}

function pushSystemText(text: string, into: GeminiPart[]): void {
  const kept = withoutBillingHeader(text);
  if (kept !== "") into.push({ text: kept });
}

function systemTexts(
  content: string | readonly EnvelopeBlock[],
  path: string,
  into: GeminiPart[],
): string | undefined {
  if (typeof content === "string") {
    pushSystemText(content, into);
    return undefined;
  }
  for (let i = 0; i < content.length; i++) {
    const block = content[i] as EnvelopeBlock;
    if (block.type !== "text") continue;
    if (typeof block.text !== "string") return `${path}[${i}].text: must be a string`;
    pushSystemText(block.text, into);
  }
  return undefined;
}

export function translateConversation(
  system: string | readonly EnvelopeBlock[] | null | undefined,
  messages: readonly EnvelopeMessage[],
  state: TranslationState,
): Result<Conversation, string> {
  const systemParts: GeminiPart[] = [];
  if (system !== undefined && system !== null) {
    const problem = systemTexts(system, "system", systemParts);
    if (problem !== undefined) return err(problem);
  }
  const contents: GeminiContent[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as EnvelopeMessage;
    const path = `messages[${i}].content`;
    if (message.role === "system") {
      const problem = systemTexts(message.content, path, systemParts);
      if (problem !== undefined) return err(problem);
      continue;
    }
    const parts =
      message.role === "user"
        ? translateUserContent(message.content, path, state)
        : translateAssistantContent(message.content, path, state);
    if (!parts.ok) return parts;
    appendTurn(contents, message.role === "user" ? "user" : "model", parts.value);
  }
  if (contents.length === 0)
    return err("messages: at least one user or assistant message with content is required");
  signUnsignedCalls(contents);
  return ok({ contents, systemParts });
}
