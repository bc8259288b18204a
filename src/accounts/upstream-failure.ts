/**
 * What an upstream (Gemini / Cloud Code) reply means for the account that sent it (SPEC §5.4,
 * upstream rows). Reads Google's error body `{"error": {code, message, status, details[]}}`:
 * RetryInfo, QuotaFailure and ErrorInfo details say how long and for which model.
 */
import * as v from "valibot";
import { parseGoogleDuration, parseRetryAfter } from "./google-durations.ts";

export type UpstreamVerdict =
  | { readonly kind: "success" }
  /** 401: the access token is stale; refresh once and retry on the same account. */
  | { readonly kind: "stale_token" }
  /** 429 / RESOURCE_EXHAUSTED: cool down; `model` set when the quota is per model. */
  | {
      readonly kind: "rate_limited";
      readonly retryAfterMs?: number;
      readonly model?: string;
      readonly message: string;
    }
  /** 403 VALIDATION_REQUIRED: a person must verify the account. */
  | { readonly kind: "validation_required"; readonly url?: string; readonly message: string }
  | { readonly kind: "forbidden"; readonly message: string }
  /** 5xx before the first byte: try the next account. */
  | { readonly kind: "transient"; readonly message: string }
  /** Any other reply (400, 404, …) is the client's business: passed through, no account blamed. */
  | { readonly kind: "client_error" };

const Detail = v.looseObject({
  "@type": v.optional(v.string()),
  retryDelay: v.optional(v.string()),
  reason: v.optional(v.string()),
  metadata: v.optional(v.record(v.string(), v.unknown())),
  violations: v.optional(
    v.array(
      v.looseObject({
        quotaId: v.optional(v.string()),
        quotaDimensions: v.optional(v.record(v.string(), v.unknown())),
      }),
    ),
  ),
});

const GoogleErrorBody = v.object({
  error: v.looseObject({
    code: v.optional(v.number()),
    message: v.optional(v.string()),
    status: v.optional(v.string()),
    details: v.optional(v.array(v.unknown())),
  }),
});

type Detail = v.InferOutput<typeof Detail>;

export interface GoogleError {
  readonly message: string;
  readonly status?: string;
  readonly details: Detail[];
}

/** Google's `{error: {message, status, details}}`, also inside the one-element array of a streamed reply. */
export function parseGoogleError(body: string): GoogleError | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(GoogleErrorBody, Array.isArray(json) ? json[0] : json);
  if (!parsed.success) return undefined;
  const { message, status, details } = parsed.output.error;
  const readable = (details ?? []).flatMap((d) => {
    const detail = v.safeParse(Detail, d);
    return detail.success ? [detail.output] : [];
  });
  return status === undefined
    ? { message: message ?? "", details: readable }
    : { message: message ?? "", status, details: readable };
}

const typeOf = (detail: Detail): string => detail["@type"]?.split("/").pop() ?? "";

function retryDelayMs(error: GoogleError): number | undefined {
  for (const detail of error.details) {
    if (typeOf(detail) === "google.rpc.RetryInfo" && detail.retryDelay !== undefined) {
      const ms = parseGoogleDuration(detail.retryDelay);
      if (ms !== undefined) return ms;
    }
  }
  for (const detail of error.details) {
    const reset = detail.metadata?.quotaResetDelay;
    if (typeof reset === "string") {
      const ms = parseGoogleDuration(reset);
      if (ms !== undefined) return ms;
    }
  }
  return undefined;
}

/** The model a quota violation names, when the limit is per model rather than per account. */
function quotaModel(error: GoogleError): string | undefined {
  for (const detail of error.details) {
    for (const violation of detail.violations ?? []) {
      const model = violation.quotaDimensions?.model;
      if (typeof model === "string") return model;
    }
    const model = detail.metadata?.model;
    if (typeof model === "string") return model;
  }
  return undefined;
}

function validationUrl(error: GoogleError): string | undefined {
  for (const detail of error.details) {
    for (const key of ["validation_url", "validationUrl", "url"]) {
      const value = detail.metadata?.[key];
      if (typeof value === "string") return value;
    }
  }
  return /https:\/\/\S+/.exec(error.message)?.[0];
}

function requiresValidation(error: GoogleError | undefined, body: string): boolean {
  if (error?.details.some((d) => d.reason === "VALIDATION_REQUIRED") === true) return true;
  return body.includes("VALIDATION_REQUIRED");
}

export interface UpstreamReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

function rateLimited(
  reply: UpstreamReply,
  error: GoogleError | undefined,
  message: string,
  now: number,
  requestModel: string | undefined,
): UpstreamVerdict {
  const retryAfterMs =
    parseRetryAfter(reply.headers.get("retry-after"), now) ?? (error && retryDelayMs(error));
  const perModel = error === undefined ? undefined : quotaModel(error);
  const model = perModel === undefined ? undefined : (requestModel ?? perModel);
  return {
    kind: "rate_limited",
    message,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(model === undefined ? {} : { model }),
  };
}

export function classifyUpstreamReply(
  reply: UpstreamReply,
  now: number,
  requestModel?: string,
): UpstreamVerdict {
  const { status, body } = reply;
  if (status < 400) return { kind: "success" };
  const error = parseGoogleError(body);
  const message = error?.message || `HTTP ${status}`;
  if (status === 401) return { kind: "stale_token" };
  if (status === 429 || error?.status === "RESOURCE_EXHAUSTED")
    return rateLimited(reply, error, message, now, requestModel);
  if (status === 403) {
    if (requiresValidation(error, body)) {
      const url = error === undefined ? undefined : validationUrl(error);
      return url === undefined
        ? { kind: "validation_required", message }
        : { kind: "validation_required", url, message };
    }
    return { kind: "forbidden", message };
  }
  if (status >= 500) return { kind: "transient", message };
  return { kind: "client_error" };
}
