/**
 * `GET /v1beta/models`: the Gemini API lists its models for any account, so the list is fetched
 * through the pool; Cloud Code Assist has no such listing, so that profile answers with the models
 * it serves.
 */
import { acquireWithFailover } from "../pool/acquire-with-failover.ts";
import type { ForwardDeps } from "./forward-call.ts";
import { ACCOUNT_HEADER } from "./forward-call.ts";
import { errorReply } from "./protocol-errors.ts";
import { replyHeaders, upstreamHeaders } from "./upstream/upstream-profile.ts";

export const CODE_ASSIST_MODELS = ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite"];

function staticList(): Response {
  return Response.json({
    models: CODE_ASSIST_MODELS.map((id) => ({
      name: `models/${id}`,
      displayName: id,
      supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"],
    })),
  });
}

export async function listModels(
  deps: ForwardDeps,
  upstreamUrl: string,
  query: URLSearchParams,
  signal: AbortSignal,
) {
  if (deps.profile.name === "code-assist") return staticList();
  const lease = await acquireWithFailover(deps.pool, { maxAttempts: deps.maxAttempts, tried: new Set() });
  if (!lease.ok) {
    const summary = deps.pool.summary();
    return errorReply("gemini", {
      kind: "no_available_account",
      message: `no_available_account: ${summary.active} of ${summary.total} accounts available`,
    });
  }
  const text = query.toString();
  try {
    const reply = await deps.fetch(`${upstreamUrl}/v1beta/models${text === "" ? "" : `?${text}`}`, {
      headers: upstreamHeaders(lease.value),
      signal,
    });
    const response = new Response(reply.body, { status: reply.status, headers: replyHeaders(reply) });
    response.headers.set(ACCOUNT_HEADER, lease.value.accountId);
    return response;
  } catch {
    return errorReply("gemini", {
      kind: "upstream_unreachable",
      message: "cannot reach the upstream to list models",
    });
  }
}
