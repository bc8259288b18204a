/**
 * The Gemini-native routes (SPEC §6.1): `GET /v1beta/models` and
 * `POST /v1beta/models/{model}:generateContent | :streamGenerateContent | :countTokens`.
 * Bodies are read raw (never parsed by the framework) so the size limit applies before reading,
 * and only after the client's key was checked. A body is parsed once, to check it and find its
 * session key, and goes upstream as the client's own bytes (not serialized again).
 */
import { Elysia } from "elysia";
import { type AccessRule, requireAccess } from "./access/access-rule.ts";
import { type ForwardDeps, forwardCall } from "./forward-call.ts";
import { listModels } from "./list-models.ts";
import type { ModelMap } from "./model-map.ts";
import { errorReply } from "./protocol-errors.ts";
import { type BodyLimits, bodyFailureReply, parseJsonObject, readBodyWithLimit } from "./read-body.ts";
import { sessionKeyOf } from "./session-key.ts";
import type { GeminiAction } from "./upstream/upstream-profile.ts";

export interface GeminiRouteDeps {
  readonly access: AccessRule;
  readonly modelMap: ModelMap;
  readonly forward: ForwardDeps;
  readonly upstreamUrl: string;
  readonly bodyLimits: BodyLimits;
}

const ACTIONS: readonly GeminiAction[] = ["generateContent", "streamGenerateContent", "countTokens"];
const MODELS_PREFIX = "/v1beta/models/";
/** Far above any model name. */
const MAX_MODEL_LENGTH = 256;

type Target = { readonly model: string; readonly action: GeminiAction };
type TargetProblem = { readonly kind: "not_found" | "bad_request"; readonly message: string };

/**
 * `{model}:{action}` from the path as it arrived (percent-encoded), decoded once here: the
 * router's own decoding of a wildcard is not used, so `%252F` stays `%2F` in the model name.
 */
function parseTarget(path: string): Target | TargetProblem {
  const target = path.slice(MODELS_PREFIX.length);
  const colon = target.lastIndexOf(":");
  const action = ACTIONS.find((a) => a === target.slice(colon + 1));
  if (colon <= 0 || action === undefined) {
    return {
      kind: "not_found",
      message: `unknown method "${target.slice(0, 100)}": expected {model}:generateContent, :streamGenerateContent or :countTokens`,
    };
  }
  let model: string;
  try {
    model = decodeURIComponent(target.slice(0, colon));
  } catch {
    return {
      kind: "bad_request",
      message: "the model name in the path is not valid percent-encoding (UTF-8)",
    };
  }
  if (model.includes("/") || model.length > MAX_MODEL_LENGTH || /[\p{Cc}]/u.test(model)) {
    return {
      kind: "bad_request",
      message: `the model name must be at most ${MAX_MODEL_LENGTH} characters, without "/" or control characters`,
    };
  }
  return { model, action };
}

/** The client's query without its API key: keys never travel upstream. */
function forwardedQuery(url: URL): URLSearchParams {
  const query = new URLSearchParams(url.search);
  query.delete("key");
  return query;
}

export function createGeminiRoutes(deps: GeminiRouteDeps) {
  return new Elysia()
    .onBeforeHandle(requireAccess(deps.access))
    .get("/v1beta/models", ({ request }) => {
      const url = new URL(request.url);
      return listModels(deps.forward, deps.upstreamUrl, forwardedQuery(url), request.signal);
    })
    .post(
      "/v1beta/models/*",
      async ({ request }) => {
        const url = new URL(request.url);
        const target = parseTarget(url.pathname);
        if ("kind" in target) return errorReply("gemini", target);
        const bytes = await readBodyWithLimit(request, deps.bodyLimits);
        if (!bytes.ok) return bodyFailureReply("gemini", bytes.error);
        const body = parseJsonObject(bytes.value);
        if (!body.ok) return errorReply("gemini", { kind: "bad_request", message: body.error });
        const sessionKey = sessionKeyOf(request.headers, body.value);
        return forwardCall(deps.forward, {
          call: {
            model: deps.modelMap.resolve(target.model),
            action: target.action,
            body: body.value,
            rawBody: bytes.value,
            query: forwardedQuery(url),
          },
          protocol: "gemini",
          signal: request.signal,
          ...(sessionKey === undefined ? {} : { sessionKey }),
        });
      },
      { parse: "none" },
    );
}
