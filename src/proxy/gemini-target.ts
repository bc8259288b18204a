/**
 * What a Gemini-native path names: `models/{model}` (models.get) or `models/{model}:{action}`,
 * under `/v1beta/` or `/v1/`. The path is read as it arrived (percent-encoded) and decoded once
 * here: the router's own decoding of a wildcard is not used, so `%252F` stays `%2F` in a name.
 */
import type { GeminiAction } from "./upstream/upstream-profile.ts";

export const GEMINI_ACTIONS: readonly GeminiAction[] = [
  "generateContent",
  "streamGenerateContent",
  "countTokens",
  "embedContent",
  "batchEmbedContents",
];

/** Far above any model name. */
const MAX_MODEL_LENGTH = 256;

export type TargetProblem = { readonly kind: "not_found" | "bad_request"; readonly message: string };
export type MethodTarget = { readonly model: string; readonly action: GeminiAction };

/** The path after `…/models/`, or undefined when the path is not under a models collection. */
function afterModels(path: string): string | undefined {
  const match = /^\/v1(?:beta)?\/models\//.exec(path);
  return match === null ? undefined : path.slice(match[0].length);
}

function decodeModel(encoded: string): string | TargetProblem {
  let model: string;
  try {
    // Most names hold no escape: nothing to decode.
    model = encoded.includes("%") ? decodeURIComponent(encoded) : encoded;
  } catch {
    return {
      kind: "bad_request",
      message: "the model name in the path is not valid percent-encoding (UTF-8)",
    };
  }
  if (model === "" || model.includes("/") || model.length > MAX_MODEL_LENGTH || /[\p{Cc}]/u.test(model)) {
    return {
      kind: "bad_request",
      message: `the model name must be 1 to ${MAX_MODEL_LENGTH} characters, without "/" or control characters`,
    };
  }
  return model;
}

/** `{model}:{action}` of a POST. */
export function methodTarget(path: string): MethodTarget | TargetProblem {
  const target = afterModels(path) ?? "";
  const colon = target.lastIndexOf(":");
  const action = GEMINI_ACTIONS.find((a) => a === target.slice(colon + 1));
  if (colon <= 0 || action === undefined) {
    return {
      kind: "not_found",
      message: `unknown method "${target.slice(0, 100)}": expected {model}:${GEMINI_ACTIONS.join(", :")}`,
    };
  }
  const model = decodeModel(target.slice(0, colon));
  return typeof model === "string" ? { model, action } : model;
}

/** The `{model}` of a GET (models.get); a method there (`:generateContent`) is POSTed, never got. */
export function modelTarget(path: string): { readonly model: string } | TargetProblem {
  const target = afterModels(path) ?? "";
  if (target.includes(":")) {
    return {
      kind: "not_found",
      message: `no method "${target.slice(0, 100)}" for GET: models/{model} is read with GET, its methods are POSTed`,
    };
  }
  const model = decodeModel(target);
  return typeof model === "string" ? { model } : model;
}
