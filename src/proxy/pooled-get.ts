/**
 * A read of the Gemini API's model resources (`GET /v1beta/models…`) through the pool: any
 * account may read them, so one is leased and the reply passed on as it is, tagged with the
 * account's id. No failover and no verdict on the account: a list is no reason to cool one down.
 */
import { acquireWithFailover } from "../pool/acquire-with-failover.ts";
import { ACCOUNT_HEADER, type ForwardDeps } from "./forward-call.ts";
import { errorReply } from "./protocol-errors.ts";
import { replyHeaders, upstreamHeaders } from "./upstream/upstream-profile.ts";
import { upstreamUserAgent, withUserAgent } from "./upstream/user-agent.ts";

export interface PooledGet {
  /** The upstream path, `/v1beta/models` or `/v1beta/models/{encoded model}`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly signal: AbortSignal;
  /** The client's own `user-agent`, passed on with grantpool's product token. */
  readonly userAgent?: string | null;
}

export async function pooledGet(deps: ForwardDeps, upstreamUrl: string, get: PooledGet): Promise<Response> {
  const lease = await acquireWithFailover(deps.pool, { maxAttempts: deps.maxAttempts, tried: new Set() });
  if (!lease.ok) {
    const summary = lease.error.kind === "no_available_account" ? lease.error.summary : deps.pool.summary();
    return errorReply("gemini", {
      kind: "no_available_account",
      message: `no_available_account: ${summary.active} of ${summary.total} accounts available`,
    });
  }
  const text = get.query.toString();
  const init = withUserAgent(
    { headers: upstreamHeaders(lease.value), signal: get.signal },
    upstreamUserAgent(get.userAgent, deps.productToken),
  );
  try {
    const reply = await deps.fetch(`${upstreamUrl}${get.path}${text === "" ? "" : `?${text}`}`, init);
    const response = new Response(reply.body, { status: reply.status, headers: replyHeaders(reply) });
    response.headers.set(ACCOUNT_HEADER, lease.value.accountId);
    return response;
  } catch {
    return errorReply("gemini", {
      kind: "upstream_unreachable",
      message: "cannot reach the upstream to read the model list",
    });
  }
}
