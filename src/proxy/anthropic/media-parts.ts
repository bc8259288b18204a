/**
 * `image` and `document` blocks → Gemini parts. Only data the client sends inline is accepted:
 * `base64` sources become `inlineData` (the string is passed on, never copied or decoded), plain
 * text documents become text. `url` sources are refused — grantpool never fetches URLs a client
 * names — and so are `file` sources (Anthropic's Files API, which grantpool does not serve).
 */
import { err, ok, type Result } from "../../result.ts";
import type { GeminiPart } from "../translation/gemini-contents.ts";
import { isRecord } from "../translation/is-record.ts";

function refusedSource(path: string, type: unknown): string | undefined {
  if (type === "url") {
    return `${path}.source.type: "url" sources are not supported (grantpool never fetches URLs a client names); send the data as base64`;
  }
  if (type === "file") {
    return `${path}.source.type: "file" sources (the Files API) are not supported; send the data as base64`;
  }
  return undefined;
}

function inline(
  source: Record<string, unknown>,
  path: string,
  defaultType?: string,
): Result<GeminiPart, string> {
  const mimeType = source.media_type ?? defaultType;
  if (typeof mimeType !== "string" || mimeType === "")
    return err(`${path}.source.media_type: must be a string`);
  if (typeof source.data !== "string") return err(`${path}.source.data: must be a base64 string`);
  return ok({ inlineData: { mimeType, data: source.data } });
}

function imagePart(source: Record<string, unknown>, path: string): Result<GeminiPart[], string> {
  if (source.type !== "base64")
    return err(refusedSource(path, source.type) ?? `${path}.source.type: must be "base64"`);
  const part = inline(source, path);
  return part.ok ? ok([part.value]) : part;
}

/** The text and images inside a document's `content` source. */
function nestedContent(content: unknown, path: string): Result<GeminiPart[], string> {
  if (typeof content === "string") return ok(content === "" ? [] : [{ text: content }]);
  if (!Array.isArray(content)) return err(`${path}.source.content: must be a string or an array of blocks`);
  const parts: GeminiPart[] = [];
  for (let i = 0; i < content.length; i++) {
    const block: unknown = content[i];
    const at = `${path}.source.content[${i}]`;
    if (!isRecord(block)) return err(`${at}: must be a content block object`);
    if (block.type === "text" && typeof block.text === "string" && block.text !== "")
      parts.push({ text: block.text });
    else if (block.type === "image") {
      const image = mediaParts(block, at);
      if (!image.ok) return image;
      parts.push(...image.value);
    }
  }
  return ok(parts);
}

function documentParts(source: Record<string, unknown>, path: string): Result<GeminiPart[], string> {
  switch (source.type) {
    case "base64": {
      const part = inline(source, path, "application/pdf");
      return part.ok ? ok([part.value]) : part;
    }
    case "text":
      if (typeof source.data !== "string") return err(`${path}.source.data: must be a string`);
      return ok(source.data === "" ? [] : [{ text: source.data }]);
    case "content":
      return nestedContent(source.content, path);
    default:
      return err(
        refusedSource(path, source.type) ?? `${path}.source.type: must be "base64", "text" or "content"`,
      );
  }
}

/** The parts for an `image` or `document` block at `path`. */
export function mediaParts(block: Record<string, unknown>, path: string): Result<GeminiPart[], string> {
  const { source } = block;
  if (!isRecord(source)) return err(`${path}.source: must be an object`);
  if (block.type === "image") return imagePart(source, path);
  const parts = documentParts(source, path);
  if (!parts.ok || typeof block.title !== "string" || block.title === "") return parts;
  return ok([{ text: block.title }, ...parts.value]);
}
