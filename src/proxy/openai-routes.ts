/**
 * The OpenAI-compatible routes (SPEC §6.1): `POST /v1/chat/completions` and `POST /v1/responses`
 * (streamed or not; the Responses API is all the Codex CLI speaks). A request is read under the
 * edge's limits, translated to a plain Gemini call (openai/ does the translating), its model
 * mapped, and served by forwardCall like any Gemini call — same pool, failover and telemetry on
 * either upstream profile — with the reply translated back on the way out (openai-replies.ts). A client's bad body is a 400 naming the JSON path, before any account
 * is chosen. `GET /v1/responses` — where Codex tries a WebSocket first — is refused with 426, the
 * status on which Codex falls back to HTTP at once.
 */
import { Elysia } from "elysia";
import { type AccessRule, requireAccess } from "./access/access-rule.ts";
import { type ForwardDeps, forwardCall } from "./forward-call.ts";
import type { ModelMap } from "./model-map.ts";
import { translateChatRequest } from "./openai/chat-request.ts";
import { echoOf } from "./openai/responses-reply.ts";
import { translateResponsesRequest } from "./openai/responses-request.ts";
import {
  chatCompletionReplies,
  responseReplies,
  streamedChatCompletionReplies,
  streamedResponseReplies,
} from "./openai-replies.ts";
import type { BodyLimits } from "./read-body.ts";
import { clientSessionKey } from "./session-key.ts";
import { generationCall, readTranslated } from "./translated-call.ts";

export interface OpenAiRouteDeps {
  readonly access: AccessRule;
  readonly modelMap: ModelMap;
  readonly forward: ForwardDeps;
  readonly bodyLimits: BodyLimits;
  /** A new random id stem (hex); random unless a test fixes it. */
  readonly newId?: () => string;
}

export function randomIdStem(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/**
 * The sticky-session key: `x-grantpool-session`, else the client's `prompt_cache_key` (a
 * conversation's own name, which Codex sends), else a hash of the first user message.
 */
function openAiSessionOf(
  request: Request,
  promptCacheKey: string | null | undefined,
  geminiBody: Record<string, unknown>,
): ReturnType<typeof clientSessionKey> {
  return clientSessionKey(request, promptCacheKey ? `c:${promptCacheKey}` : undefined, geminiBody);
}

/** Unix seconds on the pool's clock. */
function nowSeconds(deps: OpenAiRouteDeps): number {
  return Math.floor(deps.forward.clock.now() / 1000);
}

async function chatCompletions(deps: OpenAiRouteDeps, request: Request): Promise<Response> {
  const upstreamModelFor = (model: string) => deps.modelMap.resolve(model);
  const translated = await readTranslated(request, deps.bodyLimits, "openai", (body) =>
    translateChatRequest(body, { upstreamModelFor }),
  );
  if (!translated.ok) return translated.error;
  const { clientModel, stream, toolNames, includeUsage } = translated.value;
  const context = {
    clientModel,
    id: `chatcmpl-${(deps.newId ?? randomIdStem)()}`,
    created: nowSeconds(deps),
    toolNames,
  };
  return forwardCall(deps.forward, {
    call: generationCall(request, upstreamModelFor(clientModel), stream, translated.value.body),
    protocol: "openai",
    signal: request.signal,
    reply: stream
      ? streamedChatCompletionReplies({ ...context, includeUsage })
      : chatCompletionReplies(context),
    sessionKey: openAiSessionOf(request, translated.value.promptCacheKey, translated.value.body),
  });
}

async function responses(deps: OpenAiRouteDeps, request: Request): Promise<Response> {
  const upstreamModelFor = (model: string) => deps.modelMap.resolve(model);
  const translated = await readTranslated(request, deps.bodyLimits, "openai", (body) =>
    translateResponsesRequest(body, { upstreamModelFor }),
  );
  if (!translated.ok) return translated.error;
  const { envelope, stream } = translated.value;
  const context = {
    clientModel: envelope.model,
    stem: (deps.newId ?? randomIdStem)(),
    createdAt: nowSeconds(deps),
    toolNames: translated.value.toolNames,
    tools: translated.value.tools,
    echo: echoOf(envelope),
  };
  return forwardCall(deps.forward, {
    call: generationCall(request, upstreamModelFor(envelope.model), stream, translated.value.body),
    protocol: "openai",
    signal: request.signal,
    reply: stream ? streamedResponseReplies(context) : responseReplies(context),
    sessionKey: openAiSessionOf(request, envelope.prompt_cache_key, translated.value.body),
  });
}

/** Codex opens a WebSocket on `GET /v1/responses` first; 426 makes it fall back to HTTP at once. */
function refuseWebSocket(request: Request): Response {
  const upgrade = request.headers.get("upgrade")?.toLowerCase() === "websocket";
  const message = upgrade
    ? "WebSocket transport is not supported on /v1/responses; send POST /v1/responses over HTTP"
    : "GET /v1/responses is not supported; send POST /v1/responses";
  return Response.json(
    {
      error: {
        message,
        type: "invalid_request_error",
        param: null,
        code: upgrade ? "websocket_not_supported" : "method_not_allowed",
      },
    },
    { status: upgrade ? 426 : 405, headers: upgrade ? {} : { allow: "POST" } },
  );
}

export function createOpenAiRoutes(deps: OpenAiRouteDeps) {
  return new Elysia()
    .onBeforeHandle(requireAccess(deps.access))
    .post("/v1/chat/completions", ({ request }) => chatCompletions(deps, request), { parse: "none" })
    .post("/v1/responses", ({ request }) => responses(deps, request), { parse: "none" })
    .get("/v1/responses", ({ request }) => refuseWebSocket(request));
}
