/**
 * Gemini reply parts → the Responses API's output items, and the events that build them, for
 * both the streamed and the whole reply (the whole reply ignores the events). The shared
 * assembler (translation/reply-assembler.ts) decides the blocks; each becomes one item:
 *
 * - thinking → a `reasoning` item: its text as one `summary_text` (streamed as
 *   `response.reasoning_summary_part.added`, `…_text.delta`, `…_text.done`, `…_part.done`), its
 *   thought signature as `encrypted_content` (reasoning-signature.ts) — always, since grantpool
 *   stores nothing and the signature must come back with the next request;
 * - text → a `message` item with one `output_text` part (`response.content_part.added`,
 *   `response.output_text.delta`, `…done`, `response.content_part.done`);
 * - a function call → a `function_call` item (`response.function_call_arguments.delta` with the
 *   whole arguments, then `…done`), or a `custom_tool_call` item with the call's `input` for a
 *   custom tool (`response.custom_tool_call_input.delta`, `…done`); a namespaced tool's call names
 *   its `namespace` (responses-tools.ts).
 *
 * Each item is announced by `response.output_item.added` and finished by
 * `response.output_item.done`. The response ends `completed`, or `incomplete` (max_output_tokens,
 * content_filter); usage counts the cached prompt inside input and reasoning inside output.
 */

import { type BlockSink, createReplyAssembler, type ReplyAssembler } from "../translation/reply-assembler.ts";
import { endingOf, tokenCountsOf } from "../translation/reply-ending.ts";
import { ReplyProgress } from "../translation/reply-progress.ts";
import { encryptedContentOf } from "./reasoning-signature.ts";
import type { ClientTool } from "./responses-tools.ts";

export interface ResponsesReplyContext {
  /** The request's `model`, as the client sent it. */
  readonly clientModel: string;
  /** A random hex stem; the response id is `resp_<stem>`, item and call ids derive from it. */
  readonly stem: string;
  /** Unix seconds. */
  readonly createdAt: number;
  /** Gemini name → qualified client name, for renamed tools. */
  readonly toolNames?: ReadonlyMap<string, string> | undefined;
  /** Qualified name → the client's tool. */
  readonly tools?: ReadonlyMap<string, ClientTool> | undefined;
  /** The request's settings, echoed in the response object (responses-reply.ts: echoOf). */
  readonly echo?: Record<string, unknown> | undefined;
}

export type ResponseEvent = Record<string, unknown> & { type: string };
type Item = Record<string, unknown>;

type Open =
  | { kind: "none" }
  | { kind: "reasoning"; item: Item; at: number; text: string; part: boolean; signature?: string }
  | { kind: "text"; item: Item; at: number; text: string };

export function responsesUsage(usageMetadata: unknown) {
  const counts = tokenCountsOf(usageMetadata);
  const output = counts.candidates + counts.thoughts;
  return {
    input_tokens: counts.prompt,
    input_tokens_details: { cached_tokens: counts.cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: counts.thoughts },
    total_tokens: counts.prompt + output,
  };
}

/** The items of one reply as they are assembled, announcing each step through `emit`. */
export class ResponseAssembly {
  readonly items: Item[] = [];
  private readonly assembler: ReplyAssembler;
  private readonly progress: ReplyProgress;
  private open: Open = { kind: "none" };
  private next = 0;

  constructor(
    readonly context: ResponsesReplyContext,
    private readonly emit: (event: ResponseEvent) => void,
  ) {
    this.assembler = createReplyAssembler(this.sink(), {
      messageId: context.stem,
      toolIdPrefix: "call_",
      toolNames: context.toolNames,
    });
    this.progress = new ReplyProgress(this.assembler);
  }

  /** One Gemini chunk (or whole reply). */
  push(raw: unknown): void {
    this.progress.push(raw);
  }

  /** Closes the open item; the finished response object. */
  finish(): Record<string, unknown> {
    this.assembler.close();
    const ending = endingOf(this.progress.outcome);
    const reason =
      ending === "max_tokens" ? "max_output_tokens" : ending === "refusal" ? "content_filter" : undefined;
    return this.response(reason === undefined ? "completed" : "incomplete", {
      incomplete_details: reason === undefined ? null : { reason },
      usage: responsesUsage(this.progress.usageMetadata),
    });
  }

  /** The response object in a state, with the items finished so far. */
  response(status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      id: `resp_${this.context.stem}`,
      object: "response",
      created_at: this.context.createdAt,
      status,
      error: null,
      incomplete_details: null,
      model: this.context.clientModel,
      output: [...this.items],
      ...this.context.echo,
      usage: null,
      ...extra,
    };
  }

  private itemId(prefix: string): string {
    return `${prefix}_${this.context.stem}_${this.next++}`;
  }

  private added(item: Item): number {
    const at = this.items.length;
    this.emit({ type: "response.output_item.added", output_index: at, item });
    return at;
  }

  private done(item: Item, at: number): void {
    this.items.push(item);
    this.emit({ type: "response.output_item.done", output_index: at, item });
  }

  private sink(): BlockSink {
    return {
      startThinking: () => {
        const item = { id: this.itemId("rs"), type: "reasoning", summary: [] };
        this.open = { kind: "reasoning", item, at: this.added(item), text: "", part: false };
      },
      thinking: (_index, text) => this.reasoningText(text),
      signature: (_index, signature) => {
        if (this.open.kind === "reasoning") this.open.signature = signature;
      },
      startText: () => {
        const item = {
          id: this.itemId("msg"),
          type: "message",
          status: "in_progress",
          role: "assistant",
          content: [],
        };
        const at = this.added(item);
        this.open = { kind: "text", item, at, text: "" };
        this.emit({
          type: "response.content_part.added",
          item_id: item.id,
          output_index: at,
          content_index: 0,
          part: { type: "output_text", text: "", annotations: [], logprobs: [] },
        });
      },
      text: (_index, text) => {
        if (this.open.kind !== "text") return;
        this.open.text += text;
        const { item, at } = this.open;
        this.emit({
          type: "response.output_text.delta",
          item_id: item.id,
          output_index: at,
          content_index: 0,
          delta: text,
          logprobs: [],
        });
      },
      toolUse: (_index, callId, name, input) => this.toolCall(callId, name, input),
      stop: () => this.stop(),
    };
  }

  private reasoningText(text: string): void {
    if (this.open.kind !== "reasoning") return;
    const { item, at } = this.open;
    if (!this.open.part) {
      this.open.part = true;
      this.emit({
        type: "response.reasoning_summary_part.added",
        item_id: item.id,
        output_index: at,
        summary_index: 0,
        part: { type: "summary_text", text: "" },
      });
    }
    this.open.text += text;
    this.emit({
      type: "response.reasoning_summary_text.delta",
      item_id: item.id,
      output_index: at,
      summary_index: 0,
      delta: text,
    });
  }

  private stop(): void {
    const open = this.open;
    this.open = { kind: "none" };
    if (open.kind === "reasoning") {
      const ids = { item_id: open.item.id, output_index: open.at, summary_index: 0 };
      const summary = open.part ? [{ type: "summary_text", text: open.text }] : [];
      if (open.part) {
        this.emit({ type: "response.reasoning_summary_text.done", ...ids, text: open.text });
        this.emit({ type: "response.reasoning_summary_part.done", ...ids, part: summary[0] });
      }
      const signed =
        open.signature === undefined ? {} : { encrypted_content: encryptedContentOf(open.signature) };
      this.done({ ...open.item, summary, ...signed }, open.at);
    } else if (open.kind === "text") {
      const ids = { item_id: open.item.id, output_index: open.at, content_index: 0 };
      const part = { type: "output_text", text: open.text, annotations: [], logprobs: [] };
      this.emit({ type: "response.output_text.done", ...ids, text: open.text, logprobs: [] });
      this.emit({ type: "response.content_part.done", ...ids, part });
      this.done({ ...open.item, status: "completed", content: [part] }, open.at);
    }
  }

  private toolCall(callId: string, qualified: string, input: Record<string, unknown>): void {
    const tool = this.context.tools?.get(qualified);
    const name = tool?.name ?? qualified;
    const namespace = tool?.namespace === undefined ? {} : { namespace: tool.namespace };
    if (tool?.kind === "custom") {
      const text = typeof input.input === "string" ? input.input : JSON.stringify(input);
      const item = {
        id: this.itemId("ctc"),
        type: "custom_tool_call",
        status: "in_progress",
        call_id: callId,
        name,
        input: "",
        ...namespace,
      };
      const at = this.added(item);
      this.emit({
        type: "response.custom_tool_call_input.delta",
        item_id: item.id,
        output_index: at,
        delta: text,
      });
      this.emit({
        type: "response.custom_tool_call_input.done",
        item_id: item.id,
        output_index: at,
        input: text,
      });
      this.done({ ...item, status: "completed", input: text }, at);
      return;
    }
    const args = JSON.stringify(input);
    const item = {
      id: this.itemId("fc"),
      type: "function_call",
      status: "in_progress",
      arguments: "",
      call_id: callId,
      name,
      ...namespace,
    };
    const at = this.added(item);
    this.emit({
      type: "response.function_call_arguments.delta",
      item_id: item.id,
      output_index: at,
      delta: args,
    });
    this.emit({
      type: "response.function_call_arguments.done",
      item_id: item.id,
      output_index: at,
      name,
      arguments: args,
    });
    this.done({ ...item, status: "completed", arguments: args }, at);
  }
}
