/**
 * `models.list` and `models.get` (`GET /v1beta/models`, `GET /v1beta/models/{model}`, and the
 * same under `/v1/`): the Gemini API lists its models for any account, so they are read through
 * the pool; Cloud Code Assist has no such listing, so that profile answers with the models it
 * serves, in the Gemini API's shape.
 */
import type { ForwardDeps } from "./forward-call.ts";
import { pooledGet } from "./pooled-get.ts";
import { errorReply } from "./protocol-errors.ts";

export const CODE_ASSIST_MODELS = ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite"];

export interface ModelRead {
  readonly query: URLSearchParams;
  readonly signal: AbortSignal;
  /** The client's own `user-agent`, passed on with grantpool's product token. */
  readonly userAgent?: string | null;
}

function codeAssistModel(id: string) {
  return {
    name: `models/${id}`,
    displayName: id,
    supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"],
  };
}

export function listModels(deps: ForwardDeps, upstreamUrl: string, read: ModelRead): Promise<Response> {
  if (deps.profile.name === "code-assist") {
    return Promise.resolve(Response.json({ models: CODE_ASSIST_MODELS.map(codeAssistModel) }));
  }
  return pooledGet(deps, upstreamUrl, { path: "/v1beta/models", ...read });
}

/** One model by its upstream name (`gemini-2.5-flash`, or `models/gemini-2.5-flash`). */
export function getModel(
  deps: ForwardDeps,
  upstreamUrl: string,
  model: string,
  read: ModelRead,
): Promise<Response> {
  const id = model.replace(/^models\//, "");
  if (deps.profile.name === "code-assist") {
    if (CODE_ASSIST_MODELS.includes(id)) return Promise.resolve(Response.json(codeAssistModel(id)));
    return Promise.resolve(
      errorReply("gemini", {
        kind: "not_found",
        message: `models/${id} is not found: the code-assist profile serves ${CODE_ASSIST_MODELS.join(", ")}`,
      }),
    );
  }
  return pooledGet(deps, upstreamUrl, { path: `/v1beta/models/${encodeURIComponent(id)}`, ...read });
}
