/**
 * The Google emulator's embedding methods, as the Gemini API answers them: `embedContent`
 * (`{content, taskType?, title?, outputDimensionality?}` → `{embedding: {values}}`) and
 * `batchEmbedContents` (`{requests: [{model, content, …}]}` → `{embeddings: [{values}]}`, each
 * request naming the model of the URL). Only embedding models embed; a generative one is
 * Google's 404. The values are a deterministic function of the text, so equal texts embed
 * equally and a test can tell two inputs apart.
 */
import { MODELS, texts } from "./google-emulator-content.ts";
import { apiJson, invalidArgument, rpcError } from "./google-emulator-replies.ts";

/** gemini-embedding-001's default size. */
const DEFAULT_DIMENSIONS = 3072;

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** A unit-length vector seeded by the text (FNV-1a, then a xorshift stream). */
export function embeddingValues(text: string, dimensions: number): number[] {
  let seed = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 0x01000193) >>> 0;
  const values: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    values.push(seed / 0xffffffff - 0.5);
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((v) => Number((v / norm).toFixed(6)));
}

function notEmbeddingModel(model: string, method: string): Response | undefined {
  const known = MODELS.find((m) => m.id === model.replace(/^models\//, ""));
  if (known?.embedding === true) return undefined;
  return rpcError(
    404,
    "NOT_FOUND",
    `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
  );
}

/** One EmbedContentRequest → `{values}`, or the INVALID_ARGUMENT it gets (`where` names the field). */
function embedOne(request: unknown, where: string): { values: number[] } | Response {
  const content = field(request, "content");
  const parts = field(content, "parts");
  if (!Array.isArray(parts) || parts.length === 0) {
    return invalidArgument(`* ${where}.content.parts: contents is not specified\n`);
  }
  const dimensions = field(request, "outputDimensionality");
  if (dimensions !== undefined && (typeof dimensions !== "number" || dimensions < 1 || dimensions > 3072)) {
    return invalidArgument(`* ${where}.output_dimensionality: must be between 1 and 3072\n`);
  }
  const size = typeof dimensions === "number" ? Math.floor(dimensions) : DEFAULT_DIMENSIONS;
  return { values: embeddingValues(texts(content).join("\n"), size) };
}

export function embedContent(model: string, body: unknown): Response {
  const refused = notEmbeddingModel(model, "embedContent");
  if (refused !== undefined) return refused;
  const embedding = embedOne(body, "EmbedContentRequest");
  return embedding instanceof Response ? embedding : apiJson(200, { embedding });
}

export function batchEmbedContents(model: string, body: unknown): Response {
  const refused = notEmbeddingModel(model, "batchEmbedContents");
  if (refused !== undefined) return refused;
  const requests = field(body, "requests");
  if (!Array.isArray(requests) || requests.length === 0) {
    return invalidArgument("* BatchEmbedContentsRequest.requests: requests is not specified\n");
  }
  const embeddings: { values: number[] }[] = [];
  for (const [i, request] of requests.entries()) {
    const where = `BatchEmbedContentsRequest.requests[${i}]`;
    const named = field(request, "model");
    if (named !== `models/${model.replace(/^models\//, "")}`) {
      return invalidArgument(
        `* ${where}.model: the model of each request must be the model of the URL (models/${model})\n`,
      );
    }
    const embedding = embedOne(request, where);
    if (embedding instanceof Response) return embedding;
    embeddings.push(embedding);
  }
  return apiJson(200, { embeddings });
}
