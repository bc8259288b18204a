/**
 * One client call, served through the pool with failover (SPEC §5.4): pick an account, send the
 * call upstream, and on a failure before the reply is handed to the client, apply the error table
 * and try the next account — at most `maxAttempts` accounts. A 401 refreshes the account's token
 * once and retries on the same account. Once a reply is handed over, nothing is retried.
 */
import { SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import { classifyUpstreamReply, type UpstreamVerdict } from "../accounts/upstream-failure.ts";
import type { Logger } from "../log/logger.ts";
import type { FetchLike } from "../oauth/google-oauth-client.ts";
import type { AccountPool, Lease } from "../pool/account-pool.ts";
import { explainSummary } from "../pool/pool-summary.ts";
import {
  ACCOUNT_ID,
  type GrantpoolMetrics,
  NOOP_METRICS,
  NOOP_TRACER,
  statusClass,
} from "../telemetry/grantpool-metrics.ts";
import type { Clock } from "../time/clock.ts";
import { errorReply, type Protocol } from "./protocol-errors.ts";
import { type GeminiCall, replyHeaders, type UpstreamProfile } from "./upstream/upstream-profile.ts";

export interface ForwardDeps {
  readonly pool: AccountPool;
  readonly profile: UpstreamProfile;
  readonly fetch: FetchLike;
  readonly clock: Clock;
  readonly log: Logger;
  readonly maxAttempts: number;
  /** A CLIENT span per upstream call; a no-op tracer when not given. */
  readonly tracer?: Tracer;
  readonly metrics?: GrantpoolMetrics;
}

export interface ForwardRequest {
  readonly call: GeminiCall;
  readonly protocol: Protocol;
  readonly sessionKey?: string;
  readonly signal: AbortSignal;
}

export const ACCOUNT_HEADER = "x-grantpool-account";

type Attempt =
  /** A reply for the client (success, or an error that is the client's own business). */
  | { readonly kind: "answer"; readonly response: Response }
  /** This account failed; `response` is the upstream's error reply, if there was one. */
  | { readonly kind: "next"; readonly response?: Response };

function tagged(response: Response, accountId: string): Response {
  response.headers.set(ACCOUNT_HEADER, accountId);
  return response;
}

function describeVerdict(verdict: UpstreamVerdict): string {
  return "message" in verdict ? `${verdict.kind}: ${verdict.message}` : verdict.kind;
}

/** Prepares and sends one upstream call; a profile's own failure (no project) comes back as its reply. */
async function sendUntraced(
  deps: ForwardDeps,
  call: GeminiCall,
  lease: Lease,
  signal: AbortSignal,
): Promise<Response> {
  const prepared = await deps.profile.prepare(call, lease, signal);
  if (!prepared.ok) return prepared.error.reply;
  return deps.fetch(prepared.value.url, prepared.value.init);
}

/** One upstream call as a CLIENT span (until its reply's headers), counted by status class. */
function send(deps: ForwardDeps, call: GeminiCall, lease: Lease, signal: AbortSignal): Promise<Response> {
  const attributes = { [ACCOUNT_ID]: lease.accountId, "gen_ai.request.model": call.model };
  const count = (status: number | "error"): void =>
    (deps.metrics ?? NOOP_METRICS).upstreamRequests.add(1, {
      status_class: statusClass(status),
      [ACCOUNT_ID]: lease.accountId,
    });
  return (deps.tracer ?? NOOP_TRACER).startActiveSpan(
    `upstream ${call.action}`,
    { kind: SpanKind.CLIENT, attributes },
    async (span) => {
      try {
        const reply = await sendUntraced(deps, call, lease, signal);
        span.setAttribute("http.response.status_code", reply.status);
        if (reply.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
        count(reply.status);
        return reply;
      } catch (cause) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: "no reply from the upstream" });
        count("error");
        throw cause;
      } finally {
        span.end();
      }
    },
  );
}

async function attempt(deps: ForwardDeps, request: ForwardRequest, lease: Lease): Promise<Attempt> {
  const { call } = request;
  let current = lease;
  for (let refreshed = false; ; refreshed = true) {
    let reply: Response;
    try {
      reply = await send(deps, call, current, request.signal);
    } catch (cause) {
      if (request.signal.aborted) return { kind: "answer", response: new Response(null, { status: 499 }) };
      const message = `cannot reach the upstream: ${cause instanceof Error ? cause.message : String(cause)}`;
      deps.log.warn(`Upstream unreachable with ${current.email}; trying next account`, {
        account: current.accountId,
      });
      await deps.pool.report(current.accountId, { kind: "transient", message });
      return { kind: "next" };
    }
    if (reply.ok) {
      await deps.pool.report(current.accountId, { kind: "success" });
      return {
        kind: "answer",
        response: tagged(await deps.profile.adaptSuccess(reply, call), current.accountId),
      };
    }
    const body = await reply.text().catch(() => "");
    const passOn = (): Response =>
      tagged(new Response(body, { status: reply.status, headers: replyHeaders(reply) }), current.accountId);
    const verdict = classifyUpstreamReply(
      { status: reply.status, headers: reply.headers, body },
      deps.clock.now(),
      call.model,
    );
    if (verdict.kind === "stale_token" && !refreshed) {
      const renewed = await deps.pool.refreshAfterRejection(current.accountId, current.accessToken);
      if (renewed.ok) {
        current = renewed.value;
        continue;
      }
      return { kind: "next", response: passOn() };
    }
    await deps.pool.report(current.accountId, verdict);
    if (verdict.kind === "client_error") return { kind: "answer", response: passOn() };
    deps.log.info(
      `Upstream refused ${current.email} (${reply.status} ${describeVerdict(verdict)}); trying next account`,
      {
        account: current.accountId,
        model: call.model,
      },
    );
    return { kind: "next", response: passOn() };
  }
}

function noAvailableAccount(deps: ForwardDeps, request: ForwardRequest, tried: number): Response {
  const summary = deps.pool.summary(request.call.model);
  const retryAt = summary.earliestRetryAt;
  const headers: Record<string, string> =
    retryAt === undefined
      ? {}
      : { "retry-after": String(Math.max(1, Math.ceil((retryAt - deps.clock.now()) / 1000))) };
  const triedText = tried > 0 ? `${tried} tried without success; ` : "";
  return errorReply(request.protocol, {
    kind: "no_available_account",
    message: `no_available_account: ${triedText}${explainSummary(summary)}`,
    headers,
  });
}

export async function forwardCall(deps: ForwardDeps, request: ForwardRequest): Promise<Response> {
  const tried = new Set<string>();
  let lastError: Response | undefined;
  while (tried.size < deps.maxAttempts) {
    const lease = await deps.pool.acquire({
      exclude: tried,
      model: request.call.model,
      ...(request.sessionKey === undefined ? {} : { sessionKey: request.sessionKey }),
    });
    if (!lease.ok) {
      if (lease.error.kind === "refresh_failed") {
        tried.add(lease.error.accountId);
        continue;
      }
      if (lease.error.kind === "config") {
        const { code, description } = lease.error.failure;
        return errorReply(request.protocol, {
          kind: "oauth_client_error",
          message: `Google rejected grantpool's OAuth client (${code}: ${description}); no account was disabled`,
        });
      }
      // No account can serve now: say why, and when to come back (SPEC §5.4).
      return noAvailableAccount(deps, request, tried.size);
    }
    tried.add(lease.value.accountId);
    const outcome = await attempt(deps, request, lease.value);
    if (outcome.kind === "answer") return outcome.response;
    lastError = outcome.response ?? lastError;
  }
  // The attempt limit is spent: the last upstream error says the most about why.
  return lastError ?? noAvailableAccount(deps, request, tried.size);
}
