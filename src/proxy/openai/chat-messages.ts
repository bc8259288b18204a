/**
 * Chat Completions `messages` → Gemini `systemInstruction` and `contents`.
 *
 * - `system` and `developer` messages (anywhere) go into the one system instruction, in order.
 * - `user` content: text, images as data URLs (`image_url`), `input_audio`, and `file` parts with
 *   inline `file_data` become parts of a user turn; remote URLs and file ids are refused.
 * - `assistant` content (text, `refusal` parts) and `tool_calls` (and the legacy
 *   `function_call`) become a model turn; each call's `arguments` must be a JSON object's text.
 * - `tool` messages become `functionResponse`s, `{output: text}`, of the function their
 *   `tool_call_id` called earlier in the conversation; a result whose call is not there (trimmed
 *   history) is sent as text, since Gemini refuses a response to a call it never saw. Legacy
 *   `function` messages name their function themselves.
 *
 * Turns of one role are merged; Gemini 3's placeholder signature goes on unsigned calls
 * (translation/gemini-contents.ts) — Chat Completions has no place to carry a signature.
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
import type { ChatMessage, ChatPart } from "./chat-envelope.ts";
import { dataUrlPart, FILE_ID_REFUSED, fileDataPart } from "./inline-data.ts";

export interface ChatConversation {
  readonly contents: GeminiContent[];
  readonly systemParts: GeminiPart[];
}

interface State {
  readonly names: ToolNameMap;
  /** tool call id → Gemini function name, from the assistant messages read so far. */
  readonly callNames: Map<string, string>;
}

type Content = ChatMessage["content"];

/** The text of content that may only hold text (system, tool and assistant messages). */
function textOf(content: Content, path: string): Result<string, string> {
  if (content === undefined || content === null) return ok("");
  if (typeof content === "string") return ok(content);
  const texts: string[] = [];
  for (let i = 0; i < content.length; i++) {
    const part = content[i] as ChatPart;
    const value = part.type === "refusal" ? part.refusal : part.text;
    if (part.type !== "text" && part.type !== "refusal") continue;
    if (typeof value !== "string") return err(`${path}[${i}].${part.type}: must be a string`);
    texts.push(value);
  }
  return ok(texts.join("\n"));
}

function userPart(part: ChatPart, at: string): Result<GeminiPart | undefined, string> {
  switch (part.type) {
    case "text":
      if (typeof part.text !== "string") return err(`${at}.text: must be a string`);
      return ok(part.text === "" ? undefined : { text: part.text });
    case "image_url": {
      const image = part.image_url;
      const url = isRecord(image) ? image.url : undefined;
      if (typeof url !== "string") return err(`${at}.image_url.url: must be a string`);
      return dataUrlPart(url, `${at}.image_url.url`);
    }
    case "input_audio": {
      const audio = part.input_audio;
      if (!isRecord(audio) || typeof audio.data !== "string" || typeof audio.format !== "string")
        return err(`${at}.input_audio: must be {"data": base64, "format": "wav" | "mp3"}`);
      return ok({ inlineData: { mimeType: `audio/${audio.format}`, data: audio.data } });
    }
    case "file": {
      const file = isRecord(part.file) ? part.file : {};
      if (typeof file.file_data === "string") {
        const name = typeof file.filename === "string" ? file.filename : undefined;
        return fileDataPart(file.file_data, name, `${at}.file.file_data`);
      }
      return err(`${at}.file: ${FILE_ID_REFUSED}`);
    }
    default:
      return err(`${at}.type: must be "text", "image_url", "input_audio" or "file"`);
  }
}

function userParts(content: Content, path: string): Result<GeminiPart[], string> {
  if (content === undefined || content === null) return ok([]);
  if (typeof content === "string") return ok(content === "" ? [] : [{ text: content }]);
  const parts: GeminiPart[] = [];
  for (let i = 0; i < content.length; i++) {
    const part = userPart(content[i] as ChatPart, `${path}[${i}]`);
    if (!part.ok) return part;
    if (part.value !== undefined) parts.push(part.value);
  }
  return ok(parts);
}

/** A call's `arguments` text → Gemini's `args` object. */
export function argumentsObject(
  text: string | null | undefined,
  path: string,
): Result<Record<string, unknown>, string> {
  if (text === undefined || text === null || text.trim() === "") return ok({});
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return err(`${path}: must be the text of a JSON object`);
  }
  return isRecord(value) ? ok(value) : err(`${path}: must be the text of a JSON object`);
}

function assistantParts(message: ChatMessage, path: string, state: State): Result<GeminiPart[], string> {
  const content = textOf(message.content, `${path}.content`);
  if (!content.ok) return content;
  const parts: GeminiPart[] = content.value === "" ? [] : [{ text: content.value }];
  const calls = message.tool_calls ?? [];
  for (let j = 0; j < calls.length; j++) {
    const call = calls[j] as (typeof calls)[number];
    const args = argumentsObject(call.function.arguments, `${path}.tool_calls[${j}].function.arguments`);
    if (!args.ok) return args;
    const name = state.names.toGemini(call.function.name);
    state.callNames.set(call.id, name);
    parts.push({ functionCall: { name, args: args.value } });
  }
  if (message.function_call !== undefined && message.function_call !== null) {
    const legacy = message.function_call;
    const args = argumentsObject(legacy.arguments, `${path}.function_call.arguments`);
    if (!args.ok) return args;
    parts.push({ functionCall: { name: state.names.toGemini(legacy.name), args: args.value } });
  }
  return ok(parts);
}

function toolResponse(message: ChatMessage, path: string, state: State): Result<GeminiPart, string> {
  const output = textOf(message.content, `${path}.content`);
  if (!output.ok) return output;
  if (message.role === "function") {
    if (typeof message.name !== "string") return err(`${path}.name: is required`);
    return ok({
      functionResponse: { name: state.names.toGemini(message.name), response: { output: output.value } },
    });
  }
  const id = message.tool_call_id;
  if (typeof id !== "string") return err(`${path}.tool_call_id: is required`);
  const name = state.callNames.get(id);
  if (name === undefined) return ok({ text: `Result of tool call ${id}:\n${output.value}` });
  return ok({ functionResponse: { name, response: { output: output.value } } });
}

export function translateChatMessages(
  messages: readonly ChatMessage[],
  names: ToolNameMap,
): Result<ChatConversation, string> {
  const state: State = { names, callNames: new Map() };
  const systemParts: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as ChatMessage;
    const path = `messages[${i}]`;
    switch (message.role) {
      case "system":
      case "developer": {
        const text = textOf(message.content, `${path}.content`);
        if (!text.ok) return text;
        if (text.value !== "") systemParts.push({ text: text.value });
        break;
      }
      case "user": {
        const parts = userParts(message.content, `${path}.content`);
        if (!parts.ok) return parts;
        appendTurn(contents, "user", parts.value);
        break;
      }
      case "assistant": {
        const parts = assistantParts(message, path, state);
        if (!parts.ok) return parts;
        appendTurn(contents, "model", parts.value);
        break;
      }
      default: {
        const response = toolResponse(message, path, state);
        if (!response.ok) return response;
        appendTurn(contents, "user", [response.value]);
      }
    }
  }
  if (contents.length === 0)
    return err("messages: at least one user or assistant message with content is required");
  signUnsignedCalls(contents);
  return ok({ contents, systemParts });
}
