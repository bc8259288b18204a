/**
 * One upstream call for one lease: the profile prepares it, fetch sends it. What went wrong is told
 * apart, because it decides who is blamed: only a network call that got no reply counts against the
 * account; a body the client sent that cannot be serialized is the client's, and anything the
 * profile throws is grantpool's own failure.
 */
import { type Span, SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import type { FetchLike } from "../../oauth/google-oauth-client.ts";
import { inSpan } from "../../platform/in-span.ts";
import type { Lease } from "../../pool/lease.ts";
import type { Result } from "../../result.ts";
import {
  ACCOUNT_ID,
  type GrantpoolMetrics,
  NOOP_METRICS,
  statusClass,
} from "../../telemetry/grantpool-metrics.ts";
import type { GeminiCall, PreparedRequest, ProfileFailure, UpstreamProfile } from "./upstream-profile.ts";
import { upstreamUserAgent, withUserAgent } from "./user-agent.ts";

export interface SendDeps {
  readonly profile: UpstreamProfile;
  readonly fetch: FetchLike;
  /** A CLIENT span per upstream call; no span when not given. */
  readonly tracer?: Tracer;
  readonly metrics?: GrantpoolMetrics;
  /** grantpool's product token (`grantpool/<version>`), appended to the client's user agent. */
  readonly productToken?: string;
}

export type SendOutcome =
  /** The upstream's reply, or the refusal of a call the profile made on the way. */
  | { readonly kind: "reply"; readonly reply: Response }
  /** A network call got no reply (refused, reset, timed out — or aborted by the client). */
  | { readonly kind: "unreachable"; readonly cause: unknown }
  /** The client's body cannot be serialized for the upstream. */
  | { readonly kind: "unserializable_body"; readonly cause: unknown }
  /** Preparing the request threw: a bug of grantpool's, nothing to do with the account. */
  | { readonly kind: "internal"; readonly cause: unknown };

/** Counts a call that went upstream by the status class of its reply (`error`: none came). */
function counted(deps: SendDeps, lease: Lease, outcome: SendOutcome): SendOutcome {
  // Nothing was sent when the request could not be prepared: no upstream request to count.
  if (outcome.kind === "reply" || outcome.kind === "unreachable") {
    (deps.metrics ?? NOOP_METRICS).upstreamRequests.add(
      statusClass(outcome.kind === "reply" ? outcome.reply.status : "error"),
      lease.accountId,
    );
  }
  return outcome;
}

async function send(
  deps: SendDeps,
  call: GeminiCall,
  lease: Lease,
  signal: AbortSignal,
): Promise<SendOutcome> {
  let prepared: Result<PreparedRequest, ProfileFailure>;
  try {
    const preparing = deps.profile.prepare(call, lease, signal);
    // No await (and no turn of the event loop) for a request prepared at once.
    prepared = preparing instanceof Promise ? await preparing : preparing;
  } catch (cause) {
    return { kind: "internal", cause };
  }
  if (!prepared.ok) {
    const failure = prepared.error;
    return counted(deps, lease, failure.kind === "reply" ? { kind: "reply", reply: failure.reply } : failure);
  }
  const init = withUserAgent(prepared.value.init, upstreamUserAgent(call.userAgent, deps.productToken));
  try {
    return counted(deps, lease, { kind: "reply", reply: await deps.fetch(prepared.value.url, init) });
  } catch (cause) {
    return counted(deps, lease, { kind: "unreachable", cause });
  }
}

/** One upstream call, counted by status class; a CLIENT span (until its reply's headers) when traced. */
export function sendUpstream(
  deps: SendDeps,
  call: GeminiCall,
  lease: Lease,
  signal: AbortSignal,
): Promise<SendOutcome> {
  const attributes = { [ACCOUNT_ID]: lease.accountId, "gen_ai.request.model": call.model };
  return inSpan(
    deps.tracer,
    `upstream ${call.action}`,
    { kind: SpanKind.CLIENT, attributes },
    () => send(deps, call, lease, signal),
    settleUpstreamSpan,
  );
}

function settleUpstreamSpan(outcome: SendOutcome, span: Span): void {
  if (outcome.kind === "reply") {
    span.setAttribute("http.response.status_code", outcome.reply.status);
    if (outcome.reply.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
  } else if (outcome.kind === "unreachable") {
    span.setStatus({ code: SpanStatusCode.ERROR, message: "no reply from the upstream" });
  } else {
    span.setStatus({ code: SpanStatusCode.ERROR, message: "request not prepared" });
  }
}
