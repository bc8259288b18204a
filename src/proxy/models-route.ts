/**
 * `GET /v1/models` and `GET /v1/models/{model}`, answered in the shape the asking client's SDK
 * parses (SPEC §6.1); client-family.ts tells the clients apart by their headers. Every family gets
 * the models grantpool serves (the upstream's list, through the pool, as for
 * `GET /v1beta/models`): Google's SDKs as the Gemini API's `{models: […]}` / model resource,
 * OpenAI's as `{object: "list", data: [{id, object: "model", created, owned_by}]}`, Anthropic's as
 * `{data: [{type: "model", id, display_name, created_at}], has_more, first_id, last_id}` (paged by
 * `limit` and `after_id`). The key is checked with the rule of the client's protocol, and errors
 * come in its format.
 */

import { Elysia } from "elysia";
import { requestUrl } from "../platform/request-url.ts";
import { checkAccess } from "./access/access-rule.ts";
import { anthropicErrorFromGoogle } from "./anthropic/anthropic-error.ts";
import type { ClientAccess } from "./client-auth.ts";
import { clientFamilyOf } from "./client-family.ts";
import { ACCOUNT_HEADER, type ForwardDeps } from "./forward-call.ts";
import { forwardedQuery, geminiModelGet } from "./gemini-routes.ts";
import { modelTarget } from "./gemini-target.ts";
import { getModel, listModels } from "./list-models.ts";
import type { ModelMap } from "./model-map.ts";
import {
  anthropicModel,
  generativeModels,
  type ModelSummary,
  modelSummary,
  openAiModel,
} from "./model-shapes.ts";
import { openAiErrorFromGoogle } from "./openai/openai-error.ts";
import { errorReply } from "./protocol-errors.ts";

export interface ModelsRouteDeps {
  readonly access: ClientAccess;
  readonly forward: ForwardDeps;
  readonly upstreamUrl: string;
  readonly modelMap: ModelMap;
}

type OtherFamily = "openai" | "anthropic";

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

function page(models: ModelSummary[], query: URLSearchParams) {
  const limit = Number(query.get("limit") ?? DEFAULT_LIMIT);
  const size = Number.isInteger(limit) && limit >= 1 ? Math.min(limit, MAX_LIMIT) : DEFAULT_LIMIT;
  const after = query.get("after_id");
  const start = after === null ? 0 : models.findIndex((m) => m.id === after) + 1;
  const data = models.slice(start, start + size).map(anthropicModel);
  return {
    data,
    has_more: start + size < models.length,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
  };
}

/** An upstream (Gemini-shaped) reply in the family's shape: `shape` for a 2xx body, else its error. */
async function inFamily(
  family: OtherFamily,
  upstream: Response,
  shape: (json: unknown) => unknown,
): Promise<Response> {
  const account = upstream.headers.get(ACCOUNT_HEADER);
  const text = await upstream.text().catch(() => "");
  let reply: Response;
  if (upstream.ok) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    reply = Response.json(shape(json));
  } else {
    const mapped =
      family === "openai"
        ? openAiErrorFromGoogle(upstream.status, text)
        : anthropicErrorFromGoogle(upstream.status, text);
    reply = Response.json(mapped.body, { status: mapped.status });
  }
  if (account !== null) reply.headers.set(ACCOUNT_HEADER, account);
  return reply;
}

async function list(deps: ModelsRouteDeps, request: Request): Promise<Response> {
  const family = clientFamilyOf(request);
  const refused = checkAccess(deps.access.api(family), request);
  if (refused !== undefined) return refused;
  const url = requestUrl(request);
  const read = { signal: request.signal, userAgent: request.headers.get("user-agent") };
  if (family === "gemini") {
    return listModels(deps.forward, deps.upstreamUrl, { ...read, query: forwardedQuery(url) });
  }
  // One page of the largest size Google allows: these shapes are not paged by Google's token.
  const upstream = await listModels(deps.forward, deps.upstreamUrl, {
    ...read,
    query: new URLSearchParams({ pageSize: "1000" }),
  });
  return inFamily(family, upstream, (json) =>
    family === "openai"
      ? { object: "list", data: generativeModels(json).map(openAiModel) }
      : page(generativeModels(json), url.searchParams),
  );
}

async function get(deps: ModelsRouteDeps, request: Request): Promise<Response> {
  const family = clientFamilyOf(request);
  const refused = checkAccess(deps.access.api(family), request);
  if (refused !== undefined) return refused;
  if (family === "gemini") return geminiModelGet(deps, request);
  const target = modelTarget(requestUrl(request).pathname);
  if ("kind" in target) return errorReply(family, target);
  const upstream = await getModel(deps.forward, deps.upstreamUrl, deps.modelMap.resolve(target.model), {
    query: new URLSearchParams(),
    signal: request.signal,
    userAgent: request.headers.get("user-agent"),
  });
  return inFamily(family, upstream, (json) => {
    // The client's own name: it asked whether grantpool serves it (gpt-4o, by gemini-2.5-pro, say).
    const found = modelSummary(json);
    const model = { id: target.model, displayName: found?.displayName ?? target.model };
    return family === "openai" ? openAiModel(model) : anthropicModel(model);
  });
}

export function createModelsRoute(deps: ModelsRouteDeps) {
  return new Elysia()
    .get("/v1/models", ({ request }) => list(deps, request))
    .get("/v1/models/*", ({ request }) => get(deps, request));
}
