/**
 * The Gemini API's model resources in the shapes other SDKs parse: OpenAI's
 * `{id, object: "model", created, owned_by}` and Anthropic's
 * `{type: "model", id, display_name, created_at}`. Gemini's models carry no creation date, so both
 * say the epoch.
 */
import * as v from "valibot";

const GeminiModel = v.looseObject({
  name: v.string(),
  displayName: v.optional(v.string()),
  supportedGenerationMethods: v.optional(v.array(v.string())),
});
const GeminiModelList = v.looseObject({ models: v.optional(v.array(GeminiModel)) });

export interface ModelSummary {
  readonly id: string;
  readonly displayName: string;
}

function summary(model: v.InferOutput<typeof GeminiModel>): ModelSummary {
  const id = model.name.replace(/^models\//, "");
  return { id, displayName: model.displayName ?? id };
}

/** The models of a Gemini `{models: […]}` list that generate content (not embedding-only ones). */
export function generativeModels(list: unknown): ModelSummary[] {
  const parsed = v.safeParse(GeminiModelList, list);
  const models = parsed.success ? (parsed.output.models ?? []) : [];
  return models.filter((m) => m.supportedGenerationMethods?.includes("generateContent") ?? true).map(summary);
}

/** One Gemini model resource, or undefined when the reply is not one. */
export function modelSummary(resource: unknown): ModelSummary | undefined {
  const parsed = v.safeParse(GeminiModel, resource);
  return parsed.success ? summary(parsed.output) : undefined;
}

export function openAiModel(model: ModelSummary) {
  return { id: model.id, object: "model", created: 0, owned_by: "google" } as const;
}

export function anthropicModel(model: ModelSummary) {
  return {
    type: "model",
    id: model.id,
    display_name: model.displayName,
    created_at: "1970-01-01T00:00:00Z",
  } as const;
}
