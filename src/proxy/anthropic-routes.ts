/**
 * The Anthropic Messages API (SPEC §6.1): `POST /v1/messages` (streamed or not; Claude Code adds
 * `?beta=true`) and `POST /v1/messages/count_tokens`. A request is read under the edge's limits,
 * translated to a plain Gemini call (anthropic/ does the translating), its model mapped, and
 * served by forwardCall like any Gemini call — same pool, failover and telemetry on either
 * upstream profile — with the reply translated back on the way out (anthropic-replies.ts).
 */
import { Elysia } from "elysia";
import { type AccessRule, requireAccess } from "./access/access-rule.ts";
import { translateCountTokensRequest, translateMessagesRequest } from "./anthropic/messages-request.ts";
import { countTokensReplies, messageReplies, streamedMessageReplies } from "./anthropic-replies.ts";
import { type ForwardDeps, forwardCall } from "./forward-call.ts";
import type { ModelMap } from "./model-map.ts";
import type { BodyLimits } from "./read-body.ts";
import { clientSessionKey } from "./session-key.ts";
import { generationCall, readTranslated } from "./translated-call.ts";

export interface AnthropicRouteDeps {
  readonly access: AccessRule;
  readonly modelMap: ModelMap;
  readonly forward: ForwardDeps;
  readonly bodyLimits: BodyLimits;
  /** A new message id (`msg_…`); random unless a test fixes it. */
  readonly newMessageId?: () => string;
}

/** Claude Code names its session in every request; a conversation keeps its account by it. */
const CLAUDE_CODE_SESSION = "x-claude-code-session-id";

export function randomMessageId(): string {
  return `msg_${crypto.randomUUID().replaceAll("-", "")}`;
}

function sessionOf(request: Request, body: Record<string, unknown>): ReturnType<typeof clientSessionKey> {
  const claudeCode = request.headers.get(CLAUDE_CODE_SESSION)?.trim();
  return clientSessionKey(request, claudeCode ? `h:${claudeCode}` : undefined, body);
}

async function messages(deps: AnthropicRouteDeps, request: Request): Promise<Response> {
  // The translation fits thinking and output limits to the upstream model.
  const upstreamModelFor = (model: string) => deps.modelMap.resolve(model);
  const translated = await readTranslated(request, deps.bodyLimits, "anthropic", (body) =>
    translateMessagesRequest(body, { upstreamModelFor }),
  );
  if (!translated.ok) return translated.error;
  const { clientModel, stream, toolNames } = translated.value;
  // Tool names Gemini would refuse were renamed on the way in; replies use the client's names.
  const context = { clientModel, messageId: (deps.newMessageId ?? randomMessageId)(), toolNames };
  return forwardCall(deps.forward, {
    call: generationCall(request, upstreamModelFor(clientModel), stream, translated.value.body),
    protocol: "anthropic",
    signal: request.signal,
    reply: stream ? streamedMessageReplies(context) : messageReplies(context),
    sessionKey: sessionOf(request, translated.value.body),
  });
}

async function countTokens(deps: AnthropicRouteDeps, request: Request): Promise<Response> {
  const translated = await readTranslated(request, deps.bodyLimits, "anthropic", translateCountTokensRequest);
  if (!translated.ok) return translated.error;
  return forwardCall(deps.forward, {
    call: {
      model: deps.modelMap.resolve(translated.value.clientModel),
      action: "countTokens",
      body: translated.value.body,
      query: new URLSearchParams(),
      userAgent: request.headers.get("user-agent"),
    },
    protocol: "anthropic",
    signal: request.signal,
    reply: countTokensReplies(),
    sessionKey: sessionOf(request, translated.value.body),
  });
}

export function createAnthropicRoutes(deps: AnthropicRouteDeps) {
  return new Elysia()
    .onBeforeHandle(requireAccess(deps.access))
    .post("/v1/messages", ({ request }) => messages(deps, request), { parse: "none" })
    .post("/v1/messages/count_tokens", ({ request }) => countTokens(deps, request), { parse: "none" });
}
