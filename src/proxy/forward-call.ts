/**
 * One client call, served through the pool with failover (SPEC §5.4): pick an account, send the
 * call upstream, and on a failure before the reply is handed to the client, apply the error table
 * and try the next account — at most `maxAttempts` accounts. A 401 refreshes the account's token
 * once and retries on the same account. Once a reply is handed over, nothing is retried. Only the
 * upstream's answer, or its silence, counts against an account; a failure that is the client's or
 * grantpool's own answers the client at once and leaves every account's health alone.
 *
 * The upstream speaks plain Gemini (the profile wraps and unwraps). A client of another protocol
 * hands in a ReplyAdapter: its successful reply and any upstream error passed on to it are
 * translated there, once, whichever account served; grantpool's own errors are already in the
 * client's protocol (protocol-errors.ts).
 */
import type { Tracer } from "@opentelemetry/api";
import { describeClientProblem, type TokenFailure } from "../accounts/token-failure.ts";
import { classifyUpstreamReply, type UpstreamVerdict } from "../accounts/upstream-failure.ts";
import type { Logger } from "../log/logger.ts";
import type { FetchLike } from "../oauth/google-oauth-client.ts";
import type { AccountPool } from "../pool/account-pool.ts";
import { failover } from "../pool/failover.ts";
import type { Lease } from "../pool/lease.ts";
import { explainSummary, type PoolSummary } from "../pool/pool-summary.ts";
import { followedResponse } from "../telemetry/followed-body.ts";
import type { GrantpoolMetrics } from "../telemetry/grantpool-metrics.ts";
import type { Clock } from "../time/clock.ts";
import { errorReply, type Protocol } from "./protocol-errors.ts";
import { describeCause } from "./upstream/describe-cause.ts";
import { type SendOutcome, sendUpstream } from "./upstream/send-upstream.ts";
import {
  type FollowStream,
  type GeminiCall,
  replyHeaders,
  type UpstreamProfile,
} from "./upstream/upstream-profile.ts";

export interface ForwardDeps {
  readonly pool: AccountPool;
  readonly profile: UpstreamProfile;
  readonly fetch: FetchLike;
  readonly clock: Clock;
  readonly log: Logger;
  readonly maxAttempts: number;
  /** A CLIENT span per upstream call; no span when not given. */
  readonly tracer?: Tracer;
  readonly metrics?: GrantpoolMetrics;
  /** grantpool's product token (`grantpool/<version>`), appended to the client's user agent. */
  readonly productToken?: string;
  /** Hears a 429 whose quota is per model: the account's quota is worth fetching again. */
  readonly onQuotaSpent?: (accountId: string) => void;
}

/** An upstream error reply on its way to the client: Google's JSON error, as the upstream sent it. */
export interface UpstreamError {
  readonly status: number;
  readonly body: string;
  /** The headers passed on (content type, `retry-after`, …). */
  readonly headers: Headers;
  /** How long the pool cools the account down for this reply (Google's RetryInfo and the like). */
  readonly retryAfterMs?: number;
}

/** Turns plain Gemini replies into the client's protocol. */
export interface ReplyAdapter {
  /** A 2xx reply, already plain Gemini; may stream. */
  success(reply: Response): Response | Promise<Response>;
  /** An upstream error passed on to the client. */
  upstreamError(error: UpstreamError): Response;
}

export interface ForwardRequest {
  readonly call: GeminiCall;
  readonly protocol: Protocol;
  /**
   * The sticky-session key, or how to compute it: a function is called only when the pool's
   * strategy reads keys (hashing a first message is wasted on round-robin).
   */
  readonly sessionKey?: string | (() => string | undefined);
  readonly signal: AbortSignal;
  /** Absent: the client speaks Gemini and gets the upstream's replies as they are. */
  readonly reply?: ReplyAdapter;
}

export const ACCOUNT_HEADER = "x-grantpool-account";

type Attempt =
  /** A reply for the client (success, or an error that is the client's own business). */
  | { readonly kind: "answer"; readonly response: Response }
  /** This account failed; `response` is the upstream's error reply, `failure` why there was none. */
  | { readonly kind: "next"; readonly response?: Response; readonly failure?: string };

function tagged(response: Response, accountId: string): Response {
  response.headers.set(ACCOUNT_HEADER, accountId);
  return response;
}

function describeVerdict(verdict: UpstreamVerdict): string {
  return "message" in verdict ? `${verdict.kind}: ${verdict.message}` : verdict.kind;
}

/** Google refused grantpool's OAuth client: no account can work, so no other is tried (SPEC §5.4). */
function oauthClientError(protocol: Protocol, failure: TokenFailure): Response {
  return errorReply(protocol, {
    kind: "oauth_client_error",
    message: `${describeClientProblem(failure)}; no account was disabled`,
  });
}

/** The request could not be prepared: the client's body, or a bug of ours; never the account's fault. */
function notPrepared(
  deps: ForwardDeps,
  request: ForwardRequest,
  lease: Lease,
  outcome: Extract<SendOutcome, { kind: "unserializable_body" | "internal" }>,
): Response {
  const cause = describeCause(outcome.cause);
  const fields = { account: lease.accountId, model: request.call.model };
  if (outcome.kind === "unserializable_body") {
    deps.log.warn(`Cannot serialize the client's request body for the upstream: ${cause}`, fields);
    return errorReply(request.protocol, {
      kind: "bad_request",
      message: `The request body cannot be sent upstream: ${cause}`,
    });
  }
  deps.log.error(`Cannot prepare the upstream request (${request.call.action}): ${cause}`, fields);
  return errorReply(request.protocol, {
    kind: "internal_error",
    message: "internal_error: grantpool failed to prepare the upstream request; its log says why",
  });
}

async function attempt(deps: ForwardDeps, request: ForwardRequest, lease: Lease): Promise<Attempt> {
  const { call } = request;
  let current = lease;
  for (let refreshed = false; ; refreshed = true) {
    const sent = await sendUpstream(deps, call, current, request.signal);
    if (sent.kind !== "reply" && request.signal.aborted) {
      return { kind: "answer", response: new Response(null, { status: 499 }) };
    }
    if (sent.kind === "unserializable_body" || sent.kind === "internal") {
      return { kind: "answer", response: notPrepared(deps, request, current, sent) };
    }
    if (sent.kind === "unreachable") {
      const failure = `cannot reach the upstream: ${describeCause(sent.cause)}`;
      deps.log.warn(`Upstream unreachable with ${current.email} (${failure}); trying next account`, {
        account: current.accountId,
      });
      await deps.pool.report(current.accountId, { kind: "transient", message: failure });
      return { kind: "next", failure };
    }
    const reply = sent.reply;
    if (reply.ok) return { kind: "answer", response: await served(deps, request, current, reply) };
    const body = await reply.text().catch(() => "");
    const verdict = classifyUpstreamReply(
      { status: reply.status, headers: reply.headers, body },
      deps.clock.now(),
      call.model,
    );
    const passOn = (): Response =>
      tagged(upstreamErrorReply(request, reply, body, verdict), current.accountId);
    if (verdict.kind === "stale_token" && !refreshed) {
      const renewed = await deps.pool.refreshAfterRejection(current.accountId, current.accessToken);
      if (renewed.ok) {
        current = renewed.value;
        continue;
      }
      if (renewed.error.kind === "config") {
        return { kind: "answer", response: oauthClientError(request.protocol, renewed.error.failure) };
      }
      return { kind: "next", response: passOn() };
    }
    await deps.pool.report(current.accountId, verdict);
    if (verdict.kind === "rate_limited" && verdict.model !== undefined)
      deps.onQuotaSpent?.(current.accountId);
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

/** A 2xx reply: the account answered; the reply goes to the client in its protocol. */
async function served(deps: ForwardDeps, request: ForwardRequest, lease: Lease, reply: Response) {
  await deps.pool.report(lease.accountId, { kind: "success" });
  const gemini = await deps.profile.adaptSuccess(reply, request.call, logBreak(deps, request, lease));
  const response = request.reply === undefined ? gemini : await request.reply.success(gemini);
  return tagged(response, lease.accountId);
}

/** A stream that breaks off after it began is not retried and blames no account: only logged. */
function logBreak(deps: ForwardDeps, request: ForwardRequest, lease: Lease): FollowStream {
  return (body, init) =>
    followedResponse(body, init, (cause) => {
      // A client that went away ends the upstream read too; that is no break of the upstream's.
      if (request.signal.aborted) return;
      deps.log.warn(
        `Upstream stream with ${lease.email} broke off after the reply began (${describeCause(cause)}); the client got it as it was, nothing is retried`,
        { account: lease.accountId, model: request.call.model },
      );
    });
}

function upstreamErrorReply(
  request: ForwardRequest,
  reply: Response,
  body: string,
  verdict: UpstreamVerdict,
): Response {
  const headers = replyHeaders(reply);
  if (request.reply === undefined) return new Response(body, { status: reply.status, headers });
  const retryAfterMs = verdict.kind === "rate_limited" ? verdict.retryAfterMs : undefined;
  return request.reply.upstreamError({
    status: reply.status,
    body,
    headers,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function noAvailableAccount(
  deps: ForwardDeps,
  request: ForwardRequest,
  tried: number,
  lastFailure: string | undefined,
  /** The pool's account of the refusal, when it gave one (else it is read now). */
  summary: PoolSummary = deps.pool.summary(request.call.model),
): Response {
  const retryAt = summary.earliestRetryAt;
  const headers: Record<string, string> =
    retryAt === undefined
      ? {}
      : { "retry-after": String(Math.max(1, Math.ceil((retryAt - deps.clock.now()) / 1000))) };
  const lastText = lastFailure === undefined ? "" : ` (last: ${lastFailure})`;
  const triedText = tried > 0 ? `${tried} tried without success${lastText}; ` : "";
  return errorReply(request.protocol, {
    kind: "no_available_account",
    message: `no_available_account: ${triedText}${explainSummary(summary)}`,
    headers,
  });
}

function sessionKeyFor(deps: ForwardDeps, request: ForwardRequest): string | undefined {
  const key = request.sessionKey;
  if (typeof key !== "function") return key;
  return deps.pool.usesSessionKeys ? key() : undefined;
}

export async function forwardCall(deps: ForwardDeps, request: ForwardRequest): Promise<Response> {
  const tried = new Set<string>();
  const sessionKey = sessionKeyFor(deps, request);
  let lastError: Response | undefined;
  /** Why the last account that got no reply got none, for the client's message. */
  let lastUnreachable: string | undefined;
  const served = await failover(
    deps.pool,
    {
      maxAttempts: deps.maxAttempts,
      tried,
      model: request.call.model,
      ...(sessionKey === undefined ? {} : { sessionKey }),
    },
    async (lease) => {
      const outcome = await attempt(deps, request, lease);
      if (outcome.kind === "answer") return outcome.response;
      lastError = outcome.response ?? lastError;
      lastUnreachable = outcome.failure ?? lastUnreachable;
      return undefined;
    },
  );
  if (served.ok) return served.value;
  if (served.error.kind === "config") return oauthClientError(request.protocol, served.error.failure);
  // No account can serve now: say why, and when to come back (SPEC §5.4).
  if (served.error.kind === "no_available_account")
    return noAvailableAccount(deps, request, tried.size, lastUnreachable, served.error.summary);
  // The attempt limit is spent: the last upstream error says the most about why.
  return lastError ?? noAvailableAccount(deps, request, tried.size, lastUnreachable);
}
