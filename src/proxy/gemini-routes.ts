/**
 * The Gemini-native routes (SPEC §6.1), under `/v1beta/` and `/v1/` alike (Google's Python SDK
 * calls `/v1` by default): `GET /v1beta/models` (the `/v1` list is models-route.ts's, shared with
 * other clients), `GET …/models/{model}`, and `POST …/models/{model}:generateContent |
 * :streamGenerateContent | :countTokens | :embedContent | :batchEmbedContents`.
 * Bodies are read raw (never parsed by the framework) so the size limit applies before reading,
 * and only after the client's key was checked. A body goes upstream as the client's own bytes (not
 * serialized again); it is parsed only when something must read it (a sticky session's key,
 * code-assist's countTokens), and otherwise checked as bytes: UTF-8, one object, within the
 * nesting limit.
 */
import { Elysia } from "elysia";
import { requestUrl } from "../platform/request-url.ts";
import { type AccessRule, requireAccess } from "./access/access-rule.ts";
import { type ForwardDeps, forwardCall } from "./forward-call.ts";
import { methodTarget, modelTarget } from "./gemini-target.ts";
import { getModel, listModels } from "./list-models.ts";
import type { ModelMap } from "./model-map.ts";
import { errorReply } from "./protocol-errors.ts";
import {
  type BodyLimits,
  bodyFailureReply,
  checkJsonObject,
  parseJsonObject,
  readBodyWithLimit,
} from "./read-body.ts";
import { sessionKeyOf } from "./session-key.ts";
import { unservedAction } from "./upstream/unserved-action.ts";

export interface GeminiRouteDeps {
  readonly access: AccessRule;
  readonly modelMap: ModelMap;
  readonly forward: ForwardDeps;
  readonly upstreamUrl: string;
  readonly bodyLimits: BodyLimits;
}

/**
 * The client's query without its API key: keys never travel upstream. Without a key it is the
 * request URL's own parse (read-only, as every query of a call is), else a copy without it.
 */
export function forwardedQuery(url: URL): URLSearchParams {
  if (!url.searchParams.has("key")) return url.searchParams;
  const query = new URLSearchParams(url.searchParams);
  query.delete("key");
  return query;
}

/** `GET …/models/{model}` (models.get), the name mapped as on every route. */
export function geminiModelGet(
  deps: Pick<GeminiRouteDeps, "forward" | "upstreamUrl" | "modelMap">,
  request: Request,
): Promise<Response> {
  const url = requestUrl(request);
  const target = modelTarget(url.pathname);
  if ("kind" in target) return Promise.resolve(errorReply("gemini", target));
  return getModel(deps.forward, deps.upstreamUrl, deps.modelMap.resolve(target.model), {
    query: forwardedQuery(url),
    signal: request.signal,
    userAgent: request.headers.get("user-agent"),
  });
}

async function geminiMethod(deps: GeminiRouteDeps, request: Request): Promise<Response> {
  const url = requestUrl(request);
  const target = methodTarget(url.pathname);
  if ("kind" in target) return errorReply("gemini", target);
  // Decided before any body is read or account leased: no account is asked for what it cannot do.
  const unserved = unservedAction(deps.forward.profile.name, target.action);
  if (unserved !== undefined) return errorReply("gemini", { kind: "not_implemented", message: unserved });
  const bytes = await readBodyWithLimit(request, deps.bodyLimits);
  if (!bytes.ok) return bodyFailureReply("gemini", bytes.error);
  // Parsed only when something reads it (a sticky session's key, code-assist's countTokens);
  // otherwise checked as bytes and sent on as they came.
  const parse = deps.forward.pool.usesSessionKeys || deps.forward.profile.readsBody(target.action);
  const body = parse ? parseJsonObject(bytes.value) : checkJsonObject(bytes.value);
  if (!body.ok) return errorReply("gemini", { kind: "bad_request", message: body.error });
  const parsed = body.value;
  const sessionKey = () => (parsed === undefined ? undefined : sessionKeyOf(request.headers, parsed));
  return forwardCall(deps.forward, {
    call: {
      model: deps.modelMap.resolve(target.model),
      action: target.action,
      ...(parsed === undefined ? {} : { body: parsed }),
      rawBody: bytes.value,
      query: forwardedQuery(url),
      userAgent: request.headers.get("user-agent"),
    },
    protocol: "gemini",
    signal: request.signal,
    sessionKey,
  });
}

export function createGeminiRoutes(deps: GeminiRouteDeps) {
  return new Elysia()
    .onBeforeHandle(requireAccess(deps.access))
    .get("/v1beta/models", ({ request }) =>
      listModels(deps.forward, deps.upstreamUrl, {
        query: forwardedQuery(requestUrl(request)),
        signal: request.signal,
        userAgent: request.headers.get("user-agent"),
      }),
    )
    .get("/v1beta/models/*", ({ request }) => geminiModelGet(deps, request))
    .post("/v1beta/models/*", ({ request }) => geminiMethod(deps, request), { parse: "none" })
    .post("/v1/models/*", ({ request }) => geminiMethod(deps, request), { parse: "none" });
}
