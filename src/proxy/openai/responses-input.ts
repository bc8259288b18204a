/**
 * The Responses API's `instructions` and `input` → Gemini `systemInstruction` and `contents`.
 *
 * - `instructions`, and `system` / `developer` messages anywhere, go into the system instruction.
 * - `user` messages: `input_text`, `input_image` (a data URL), `input_file` (inline
 *   `file_data`); remote URLs and file ids are refused. `assistant` messages: their text.
 * - `function_call` and `custom_tool_call` items → `functionCall`s of the model turn (a custom
 *   tool's `input` as `{input}`; a namespaced call under `<namespace>.<name>`, see
 *   responses-tools.ts); `function_call_output` and `custom_tool_call_output` →
 *   `functionResponse`s `{output}` of the function their `call_id` called, images in an output
 *   following as inline parts; an output whose call is not in the input is sent as text.
 * - `reasoning` items put Gemini's thought signature (from `encrypted_content`, see
 *   reasoning-signature.ts) back where it came from: with summary text, on a thought part of
 *   that text; without, on the next part of the model turn (the function call Gemini 3 signed).
 * - Content parts and items of other types (`web_search_call`, `local_shell_call`,
 *   `item_reference`, `compaction`, …) carry nothing Gemini could use and are dropped.
 *
 * Items of one side are merged into one turn; Gemini 3's placeholder signature goes on a model
 * turn whose calls came back unsigned (translation/gemini-contents.ts).
 */
import { err, ok, type Result } from "../../result.ts";
import {
  appendTurn,
  type GeminiContent,
  type GeminiPart,
  signUnsignedCalls,
} from "../translation/gemini-contents.ts";
import { isRecord } from "../translation/is-record.ts";
import type { ToolNameMap } from "../translation/tool-names.ts";
import { argumentsObject } from "./chat-messages.ts";
import { dataUrlPart, FILE_ID_REFUSED, fileDataPart } from "./inline-data.ts";
import { signatureOf } from "./reasoning-signature.ts";
import type { ResponsesItem } from "./responses-envelope.ts";
import { qualifiedName } from "./responses-tools.ts";

export interface ResponsesConversation {
  readonly contents: GeminiContent[];
  readonly systemParts: GeminiPart[];
}

/** Model parts with their signatures put back; a held signature goes on the next model part. */
class Turns {
  readonly contents: GeminiContent[] = [];
  private pending: string | undefined;

  model(part: GeminiPart): void {
    if (this.pending !== undefined) part.thoughtSignature = this.pending;
    this.pending = undefined;
    appendTurn(this.contents, "model", [part]);
  }

  thought(text: string, signature: string): void {
    this.flush();
    appendTurn(this.contents, "model", [{ thought: true, text, thoughtSignature: signature }]);
  }

  hold(signature: string): void {
    this.flush();
    this.pending = signature;
  }

  user(parts: GeminiPart[]): void {
    this.flush(true);
    appendTurn(this.contents, "user", parts);
  }

  /** A held signature no part took: on a part of its own (Gemini's form for a closing one). */
  flush(final = false): void {
    if (this.pending === undefined) return;
    const signature = this.pending;
    this.pending = undefined;
    appendTurn(this.contents, "model", [
      final
        ? { text: "", thoughtSignature: signature }
        : { thought: true, text: "", thoughtSignature: signature },
    ]);
  }
}

interface State {
  readonly names: ToolNameMap;
  readonly callNames: Map<string, string>;
  readonly turns: Turns;
  readonly systemParts: GeminiPart[];
}

const TEXT_PARTS = new Set(["input_text", "output_text", "text", "summary_text", "refusal"]);

function partText(part: Record<string, unknown>): unknown {
  return part.type === "refusal" ? part.refusal : part.text;
}

/** One content part of a user message or a tool output; undefined for parts that are dropped. */
function contentPart(part: unknown, at: string): Result<GeminiPart | undefined, string> {
  if (!isRecord(part)) return err(`${at}: must be a content part object`);
  if (typeof part.type === "string" && TEXT_PARTS.has(part.type)) {
    const text = partText(part);
    if (typeof text !== "string")
      return err(`${at}.${part.type === "refusal" ? "refusal" : "text"}: must be a string`);
    return ok(text === "" ? undefined : { text });
  }
  if (part.type === "input_image") {
    if (typeof part.image_url === "string") return dataUrlPart(part.image_url, `${at}.image_url`);
    if (part.file_id !== undefined && part.file_id !== null) return err(`${at}.file_id: ${FILE_ID_REFUSED}`);
    return err(`${at}.image_url: must be a base64 data URL`);
  }
  if (part.type === "input_file") {
    if (typeof part.file_data === "string") {
      const name = typeof part.filename === "string" ? part.filename : undefined;
      return fileDataPart(part.file_data, name, `${at}.file_data`);
    }
    if (typeof part.file_url === "string") return dataUrlPart(part.file_url, `${at}.file_url`);
    return err(`${at}: ${FILE_ID_REFUSED}`);
  }
  return ok(undefined);
}

function contentParts(content: unknown, at: string): Result<GeminiPart[], string> {
  if (typeof content === "string") return ok(content === "" ? [] : [{ text: content }]);
  if (!Array.isArray(content)) return err(`${at}: must be a string or an array of content parts`);
  const parts: GeminiPart[] = [];
  for (let i = 0; i < content.length; i++) {
    const part = contentPart(content[i], `${at}[${i}]`);
    if (!part.ok) return part;
    if (part.value !== undefined) parts.push(part.value);
  }
  return ok(parts);
}

function message(item: ResponsesItem, at: string, state: State): string | undefined {
  const parts = contentParts(item.content, `${at}.content`);
  if (!parts.ok) return parts.error;
  switch (item.role) {
    case "user":
      state.turns.user(parts.value);
      return undefined;
    case "assistant":
      for (const part of parts.value) if (typeof part.text === "string") state.turns.model(part);
      return undefined;
    case "system":
    case "developer":
      for (const part of parts.value) if (typeof part.text === "string") state.systemParts.push(part);
      return undefined;
    default:
      return `${at}.role: must be "user", "assistant", "system" or "developer"`;
  }
}

function call(item: ResponsesItem, at: string, state: State): string | undefined {
  if (typeof item.call_id !== "string") return `${at}.call_id: must be a string`;
  if (typeof item.name !== "string" || item.name === "") return `${at}.name: must be a non-empty string`;
  const namespace = typeof item.namespace === "string" ? item.namespace : undefined;
  let args: Record<string, unknown>;
  if (item.type === "custom_tool_call") {
    if (typeof item.input !== "string") return `${at}.input: must be a string`;
    args = { input: item.input };
  } else {
    if (item.arguments !== undefined && typeof item.arguments !== "string")
      return `${at}.arguments: must be a string`;
    const parsed = argumentsObject(item.arguments as string | undefined, `${at}.arguments`);
    if (!parsed.ok) return parsed.error;
    args = parsed.value;
  }
  const name = state.names.toGemini(qualifiedName(item.name, namespace));
  state.callNames.set(item.call_id, name);
  state.turns.model({ functionCall: { name, args } });
  return undefined;
}

function callOutput(item: ResponsesItem, at: string, state: State): string | undefined {
  if (typeof item.call_id !== "string") return `${at}.call_id: must be a string`;
  const parts = contentParts(item.output ?? "", `${at}.output`);
  if (!parts.ok) return parts.error;
  const texts = parts.value.filter((p) => typeof p.text === "string").map((p) => p.text as string);
  const media = parts.value.filter((p) => typeof p.text !== "string");
  const output = texts.join("\n");
  const name = state.callNames.get(item.call_id);
  const response =
    name === undefined
      ? { text: `Result of tool call ${item.call_id}:\n${output}` }
      : { functionResponse: { name, response: { output } } };
  state.turns.user([response, ...media]);
  return undefined;
}

function reasoning(item: ResponsesItem, state: State): void {
  const signature = signatureOf(item.encrypted_content);
  if (signature === undefined) return;
  const summary = Array.isArray(item.summary) ? item.summary : [];
  const text = summary
    .map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : ""))
    .filter((t) => t !== "")
    .join("\n\n");
  if (text === "") state.turns.hold(signature);
  else state.turns.thought(text, signature);
}

function item(entry: ResponsesItem, at: string, state: State): string | undefined {
  switch (entry.type ?? "message") {
    case "message":
      return message(entry, at, state);
    case "function_call":
    case "custom_tool_call":
      return call(entry, at, state);
    case "function_call_output":
    case "custom_tool_call_output":
      return callOutput(entry, at, state);
    case "reasoning":
      reasoning(entry, state);
      return undefined;
    default:
      return undefined;
  }
}

export function translateResponsesInput(
  instructions: string | null | undefined,
  input: string | readonly ResponsesItem[] | null | undefined,
  names: ToolNameMap,
): Result<ResponsesConversation, string> {
  const state: State = { names, callNames: new Map(), turns: new Turns(), systemParts: [] };
  if (typeof instructions === "string" && instructions !== "") state.systemParts.push({ text: instructions });
  if (typeof input === "string") {
    if (input !== "") state.turns.user([{ text: input }]);
  } else {
    const items = input ?? [];
    for (let i = 0; i < items.length; i++) {
      const problem = item(items[i] as ResponsesItem, `input[${i}]`, state);
      if (problem !== undefined) return err(problem);
    }
  }
  state.turns.flush(true);
  const { contents } = state.turns;
  if (contents.length === 0) return err("input: at least one message with content is required");
  signUnsignedCalls(contents);
  return ok({ contents, systemParts: state.systemParts });
}
