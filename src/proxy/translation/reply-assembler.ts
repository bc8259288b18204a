/**
 * Gemini reply parts → content blocks, in order, for both the streamed and the whole reply (each
 * gives its own sink). The blocks are Anthropic's (text, thinking with a signature, tool use);
 * every protocol's reply translator maps them onto its own items through its sink. One open
 * block at a time; a part of another kind closes it.
 *
 * - `thought: true` parts → a `thinking` block (consecutive thoughts share one, until a
 *   signature seals it); a thought's `thoughtSignature` becomes the block's `signature`. A
 *   thought with neither text nor signature makes no block.
 * - A signature on any other part (a function call or text — where Gemini 3 puts them) is handed
 *   out as a `thinking` block of its own, with empty text, right before that part's block. So
 *   thought text never has to be sent back to keep a signature, a client that shows no thinking
 *   loses nothing, and the next request can put each signature back where it was
 *   (assistant-content.ts reads the two forms apart by whether the thinking text is empty).
 * - `functionCall` → a whole `tool_use` block. Its id is `<prefix><message id>_<n>` (prefix
 *   `toolu_` unless the protocol names its own): unique in the conversation because message ids
 *   are, stable because it depends on nothing else. Gemini's own call ids (not always present)
 *   are not needed: responses are matched by name and order.
 * - text → `text` blocks; anything else (inline data, executable code) has no form in the
 *   clients' protocols and is dropped.
 */
import { isRecord } from "./is-record.ts";

export interface BlockSink {
  startText(index: number): void;
  startThinking(index: number): void;
  text(index: number, text: string): void;
  thinking(index: number, text: string): void;
  signature(index: number, signature: string): void;
  /** A whole `tool_use` block (started and complete). */
  toolUse(index: number, id: string, name: string, input: Record<string, unknown>): void;
  stop(index: number): void;
}

export interface AssemblerContext {
  readonly messageId: string;
  /** What tool call ids start with; `toolu_` (Anthropic's) unless given. */
  readonly toolIdPrefix?: string | undefined;
  /** Gemini name → client name, for tool names that had to change (TranslatedRequest.toolNames). */
  readonly toolNames?: ReadonlyMap<string, string> | undefined;
}

export interface ReplyAssembler {
  /** One part of the first candidate's content. */
  part(part: unknown): void;
  /** Closes the open block, if any. */
  close(): void;
  /** How many `tool_use` blocks were made. */
  readonly toolUses: number;
}

type Open =
  | { kind: "none" }
  | { kind: "text"; index: number }
  | { kind: "thinking"; index: number; sealed: boolean };

const nonEmpty = (value: unknown): value is string => typeof value === "string" && value !== "";

export function createReplyAssembler(sink: BlockSink, context: AssemblerContext): ReplyAssembler {
  const idBase = context.messageId.replace(/^msg_/, "").replace(/[^A-Za-z0-9_-]/g, "");
  const idPrefix = context.toolIdPrefix ?? "toolu_";
  let open: Open = { kind: "none" };
  let next = 0;
  let toolUses = 0;

  const close = () => {
    if (open.kind !== "none") sink.stop(open.index);
    open = { kind: "none" };
  };
  const startThinking = (): { kind: "thinking"; index: number; sealed: boolean } => {
    close();
    const block = { kind: "thinking" as const, index: next++, sealed: false };
    sink.startThinking(block.index);
    open = block;
    return block;
  };

  const thought = (part: Record<string, unknown>, signature: string | undefined) => {
    // An empty thought (Gemini streams some) would make an empty, unsigned block.
    if (!nonEmpty(part.text) && signature === undefined) return;
    const block = open.kind === "thinking" && !open.sealed ? open : startThinking();
    if (nonEmpty(part.text)) sink.thinking(block.index, part.text);
    if (signature !== undefined) {
      sink.signature(block.index, signature);
      block.sealed = true;
    }
  };

  const functionCall = (call: Record<string, unknown>) => {
    close();
    const name = typeof call.name === "string" ? call.name : "";
    const input = isRecord(call.args) ? call.args : {};
    const id = `${idPrefix}${idBase}_${toolUses}`;
    toolUses++;
    const index = next++;
    sink.toolUse(index, id, context.toolNames?.get(name) ?? name, input);
    sink.stop(index);
  };

  return {
    part(part) {
      if (!isRecord(part)) return;
      const signature = nonEmpty(part.thoughtSignature) ? part.thoughtSignature : undefined;
      if (part.thought === true) return thought(part, signature);
      if (signature !== undefined) {
        sink.signature(startThinking().index, signature);
        close();
      }
      if (isRecord(part.functionCall)) return functionCall(part.functionCall);
      if (!nonEmpty(part.text)) return;
      if (open.kind !== "text") {
        close();
        open = { kind: "text", index: next++ };
        sink.startText(open.index);
      }
      sink.text(open.index, part.text);
    },
    close,
    get toolUses() {
      return toolUses;
    },
  };
}
