/**
 * Scripted model turns for the Google emulator: function calls (parallel ones too), thought
 * summaries with thought signatures, cached and thinking token counts, and streamed replies split
 * into several chunks, all in the shapes of Gemini's documented GenerateContentResponse. Also the
 * checks Gemini makes on what comes back: a function declaration's `parameters` may use only the
 * fields of Gemini's Schema, and (Gemini 3) a replayed function call must bring back its
 * thoughtSignature. And helpers for tests and turn scripts that read a recorded request.
 */
import type { ReplySpec } from "./google-emulator-content.ts";
import { invalidArgument } from "./google-emulator-replies.ts";
import { randomId } from "./google-emulator-state.ts";
import type { ModelPart, ModelTurn } from "./google-emulator-types.ts";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A signature as opaque as Gemini's (base64 of bytes nobody can read). */
export function newThoughtSignature(): string {
  return `Ci${randomId(60).replaceAll("-", "+").replaceAll("_", "/")}`;
}

/** The names of the functions a request declares, in order. */
export function declaredFunctionNames(request: unknown): string[] {
  if (!isObject(request)) return [];
  return list(request.tools).flatMap((tool) =>
    isObject(tool)
      ? list(tool.functionDeclarations ?? tool.function_declarations).flatMap((d) =>
          isObject(d) && typeof d.name === "string" ? [d.name] : [],
        )
      : [],
  );
}

function partsOf(request: unknown): { role: unknown; part: Json; content: number }[] {
  if (!isObject(request)) return [];
  return list(request.contents).flatMap((content, index) =>
    isObject(content)
      ? list(content.parts).flatMap((part) =>
          isObject(part) ? [{ role: content.role, part, content: index }] : [],
        )
      : [],
  );
}

/** Every functionResponse a request carries, in order. */
export function functionResponsesIn(request: unknown): { name: string; response: unknown; id?: unknown }[] {
  return partsOf(request).flatMap(({ part }) => {
    const answer = part.functionResponse;
    if (!isObject(answer) || typeof answer.name !== "string") return [];
    return [{ name: answer.name, response: answer.response, id: answer.id }];
  });
}

/** Every thoughtSignature a request sends back (on any part), in order. */
export function thoughtSignaturesIn(request: unknown): string[] {
  return partsOf(request).flatMap(({ part }) =>
    typeof part.thoughtSignature === "string" ? [part.thoughtSignature] : [],
  );
}

/** Gemini 3: in the current turn, each model step's first function call must carry its signature. */
export function missingSignature(request: unknown): Response | undefined {
  if (!isObject(request)) return undefined;
  const contents = list(request.contents);
  // The current turn starts after the last user content that is not only function responses.
  let start = 0;
  contents.forEach((content, index) => {
    if (!isObject(content) || content.role === "model") return;
    const parts = list(content.parts);
    if (parts.some((p) => isObject(p) && p.functionResponse === undefined)) start = index;
  });
  for (let index = start; index < contents.length; index++) {
    const content = contents[index];
    if (!isObject(content) || content.role !== "model") continue;
    const first = list(content.parts).find((p): p is Json => isObject(p) && isObject(p.functionCall));
    if (first === undefined || typeof first.thoughtSignature === "string") continue;
    const name = (first.functionCall as Json).name;
    return invalidArgument(
      `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${String(name)}\` , position ${index + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
    );
  }
  return undefined;
}

/** The fields of Gemini's Schema (a subset of OpenAPI 3.0); any other is an unknown field to Google. */
const SCHEMA_FIELDS = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "maxItems",
  "minItems",
  "properties",
  "required",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "example",
  "anyOf",
  "propertyOrdering",
  "default",
  "items",
  "minimum",
  "maximum",
]);

function unknownField(schema: unknown, path: string): { name: string; path: string } | undefined {
  if (!isObject(schema)) return undefined;
  for (const [key, value] of Object.entries(schema)) {
    if (!SCHEMA_FIELDS.has(key)) return { name: key, path };
    const inner =
      key === "items"
        ? unknownField(value, `${path}.items`)
        : key === "anyOf"
          ? list(value)
              .map((s, i) => unknownField(s, `${path}.any_of[${i}]`))
              .find((x) => x !== undefined)
          : key === "properties" && isObject(value)
            ? Object.values(value)
                .map((s, i) => unknownField(s, `${path}.properties[${i}].value`))
                .find((x) => x !== undefined)
            : undefined;
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** Google's 400 for a `parameters` schema field its Schema message does not have. */
export function unknownSchemaField(request: unknown, prefix: string): Response | undefined {
  if (!isObject(request)) return undefined;
  for (const [t, tool] of list(request.tools).entries()) {
    if (!isObject(tool)) continue;
    for (const [d, declaration] of list(tool.functionDeclarations ?? tool.function_declarations).entries()) {
      if (!isObject(declaration)) continue;
      const at = `${prefix}tools[${t}].function_declarations[${d}].parameters`;
      const found = unknownField(declaration.parameters, at);
      if (found !== undefined) {
        return invalidArgument(
          `Invalid JSON payload received. Unknown name "${found.name}" at '${found.path}': Cannot find field.`,
        );
      }
    }
  }
  return undefined;
}

const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

function partTokens(part: ModelPart): number {
  return "functionCall" in part ? tokens(JSON.stringify(part.functionCall)) : tokens(part.text);
}

function usage(turn: ModelTurn, spec: ReplySpec): Json {
  const thoughts = turn.parts.filter((p) => "text" in p && p.thought === true);
  const answer = turn.parts.filter((p) => !("text" in p && p.thought === true));
  const candidates = answer.reduce((sum, part) => sum + partTokens(part), 0);
  const thinking = turn.thoughtsTokens ?? thoughts.reduce((sum, part) => sum + partTokens(part), 0);
  const cached = turn.cachedTokens ?? 0;
  const prompt = Math.max(spec.promptTokens, cached);
  const metadata: Json = { promptTokenCount: prompt, candidatesTokenCount: candidates };
  if (cached > 0) metadata.cachedContentTokenCount = cached;
  metadata.totalTokenCount = prompt + candidates + thinking;
  metadata.promptTokensDetails = [{ modality: "TEXT", tokenCount: prompt }];
  if (cached > 0) metadata.cacheTokensDetails = [{ modality: "TEXT", tokenCount: cached }];
  if (thinking > 0) metadata.thoughtsTokenCount = thinking;
  return metadata;
}

function response(parts: ModelPart[], spec: ReplySpec, usageMetadata: Json, finish?: string): Json {
  const candidate: Json = { content: { parts, role: "model" } };
  if (finish !== undefined) candidate.finishReason = finish;
  candidate.index = 0;
  return { candidates: [candidate], usageMetadata, modelVersion: spec.model, responseId: spec.responseId };
}

/** The whole turn as one GenerateContentResponse (generateContent). */
export function turnResponse(turn: ModelTurn, spec: ReplySpec): Json {
  return response(turn.parts, spec, usage(turn, spec), turn.finishReason ?? "STOP");
}

/** Splits a text part into pieces; its signature rides on the last piece, as Gemini streams it. */
function pieces(part: Extract<ModelPart, { text: string }>, count: number): ModelPart[] {
  const size = Math.max(1, Math.ceil(part.text.length / count));
  const texts: string[] = [];
  for (let at = 0; at < part.text.length; at += size) texts.push(part.text.slice(at, at + size));
  if (texts.length === 0) texts.push("");
  return texts.map((text, i) => {
    const piece: Extract<ModelPart, { text: string }> = { text };
    if (part.thought === true) piece.thought = true;
    if (i === texts.length - 1 && part.thoughtSignature !== undefined) {
      piece.thoughtSignature = part.thoughtSignature;
    }
    return piece;
  });
}

/**
 * The turn as streamGenerateContent's chunks: one part per chunk, text in pieces, function calls
 * whole; every chunk carries the prompt's usage, the last one the finish reason and full usage.
 */
export function turnChunks(turn: ModelTurn, spec: ReplySpec): Json[] {
  const all = turn.parts.flatMap((part) =>
    "functionCall" in part ? [part] : pieces(part, turn.piecesPerText ?? 2),
  );
  const running: Json = { promptTokenCount: spec.promptTokens, totalTokenCount: spec.promptTokens };
  return all.map((part, i) =>
    i === all.length - 1
      ? response([part], spec, usage(turn, spec), turn.finishReason ?? "STOP")
      : response([part], spec, running),
  );
}
