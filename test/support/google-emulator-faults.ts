/**
 * Replies for injected upstream faults, in the shapes the Gemini API and Cloud Code Assist
 * really send: RESOURCE_EXHAUSTED with QuotaFailure / Help / RetryInfo (and Cloud Code's
 * ErrorInfo with quotaResetDelay), PERMISSION_DENIED, VALIDATION_REQUIRED, UNAVAILABLE, the
 * front end's 502 page, the dropped connection, and the error event that ends a stream that had
 * begun.
 */

import { connectionReset, frontEndPage, rpcError, unauthenticated } from "./google-emulator-replies.ts";
import { randomId } from "./google-emulator-state.ts";
import type { UpstreamFault } from "./google-emulator-types.ts";

export type UpstreamProfile = "gemini" | "code-assist";

export interface FaultContext {
  profile: UpstreamProfile;
  /** The model the failing call asked for, if it named one. */
  model: string | undefined;
}

export const SERVICE: Record<UpstreamProfile, string> = {
  gemini: "generativelanguage.googleapis.com",
  "code-assist": "cloudcode-pa.googleapis.com",
};

const GEMINI_QUOTA_MESSAGE =
  "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit.";

/** Seconds in a Google duration such as "43s", "1.5s" or Cloud Code's "2h5m9.25s". */
function durationSeconds(duration: string): number | undefined {
  const match = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$/.exec(duration);
  if (match === null || duration === "") return undefined;
  const [, h = "0", m = "0", s = "0"] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

function resourceExhausted(
  fault: Extract<UpstreamFault, { kind: "resource_exhausted" }>,
  context: FaultContext,
): Response {
  const model = fault.model ?? context.model ?? "gemini-2.5-flash";
  const details: unknown[] = [];
  if (context.profile === "gemini") {
    details.push(
      {
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        violations: [
          {
            quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
            quotaDimensions: { location: "global", model },
            quotaValue: "15",
          },
        ],
      },
      {
        "@type": "type.googleapis.com/google.rpc.Help",
        links: [
          {
            description: "Learn more about Gemini API quotas",
            url: "https://ai.google.dev/gemini-api/docs/rate-limits",
          },
        ],
      },
    );
  }
  if (fault.quotaResetDelay !== undefined) {
    const metadata: Record<string, string> = {
      uiMessage: "true",
      model,
      quotaResetDelay: fault.quotaResetDelay,
    };
    const seconds = durationSeconds(fault.quotaResetDelay);
    if (seconds !== undefined) {
      metadata.quotaResetTimeStamp = new Date(Date.now() + seconds * 1000)
        .toISOString()
        .replace(/\.\d+Z$/, "Z");
    }
    details.push({
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: fault.reason ?? "RATE_LIMIT_EXCEEDED",
      domain: SERVICE[context.profile],
      metadata,
    });
  }
  if (fault.retryDelaySeconds !== undefined) {
    details.push({
      "@type": "type.googleapis.com/google.rpc.RetryInfo",
      retryDelay: `${fault.retryDelaySeconds}s`,
    });
  }
  const message =
    context.profile === "gemini"
      ? GEMINI_QUOTA_MESSAGE
      : fault.quotaResetDelay === undefined
        ? "Resource has been exhausted (e.g. check quota)."
        : `You have exhausted your capacity on this model. Your quota will reset after ${fault.quotaResetDelay}.`;
  const headers: Record<string, string> =
    fault.retryAfterHeader === undefined ? {} : { "retry-after": String(fault.retryAfterHeader) };
  return rpcError(429, "RESOURCE_EXHAUSTED", message, details.length > 0 ? details : undefined, headers);
}

/** Cloud Code's "verify your account" refusal; the link is where a human completes the check. */
function validationRequired(validationUrl: string | undefined): Response {
  const url =
    validationUrl ??
    `https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=emu-${randomId(12)}&continue=https%3A%2F%2Fdevelopers.google.com%2Fgemini-code-assist%2Fauth%2Fauth_success_gemini`;
  const message = "Verify your account to continue.";
  return rpcError(403, "PERMISSION_DENIED", message, [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "VALIDATION_REQUIRED",
      domain: SERVICE["code-assist"],
      metadata: {
        validation_error_message: message,
        validation_url_link_text: "Verify your account",
        validation_url: url,
      },
    },
  ]);
}

export function upstreamFaultReply(fault: UpstreamFault, context: FaultContext): Response {
  switch (fault.kind) {
    case "resource_exhausted":
      return resourceExhausted(fault, context);
    case "unauthenticated":
      return unauthenticated(true, SERVICE[context.profile]);
    case "permission_denied":
      return rpcError(403, "PERMISSION_DENIED", "The caller does not have permission");
    case "validation_required":
      return validationRequired(fault.validationUrl);
    case "server_error": {
      const status = fault.status ?? 503;
      if (status === 502) {
        return frontEndPage(
          502,
          "The server encountered a temporary error and could not complete your request.",
        );
      }
      if (status === 500) {
        return rpcError(
          500,
          "INTERNAL",
          "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
        );
      }
      return rpcError(503, "UNAVAILABLE", "The service is currently unavailable.");
    }
    case "model_not_found":
      return context.profile === "gemini"
        ? rpcError(
            404,
            "NOT_FOUND",
            `models/${context.model ?? "unknown"} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
          )
        : rpcError(404, "NOT_FOUND", "Requested entity was not found.");
    case "reset":
      return connectionReset();
  }
}

/**
 * The event Google sends inside a streamed reply that fails after it began (an overloaded model):
 * google.rpc.Status as the whole event, with no HTTP status to go with it.
 */
export function midStreamError(): { error: { code: number; message: string; status: string } } {
  return {
    error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" },
  };
}
