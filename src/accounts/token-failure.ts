/**
 * What a failed call to Google's token endpoint means for the account (SPEC §5.4, token rows).
 * Classification reads Google's documented error body: JSON `{"error": "...",
 * "error_description": "..."}`, or, from proxies in between, a non-JSON body.
 */
import * as v from "valibot";

export type TokenFailureKind =
  /** The refresh token is revoked or expired: disable persistently. */
  | "invalid_grant"
  /** The OAuth client itself is wrong: no account is at fault. */
  | "config"
  /** 5xx, timeout, network: try later. */
  | "transient";

export interface TokenFailure {
  readonly kind: TokenFailureKind;
  /** Google's error code (`invalid_grant`, `invalid_client`, …) or a short word such as `timeout`. */
  readonly code: string;
  /** Google's error_description or a cut of the body; never contains a token. */
  readonly description: string;
  readonly status?: number;
}

const TokenErrorBody = v.object({
  error: v.string(),
  error_description: v.optional(v.string()),
});

const CONFIG_ERRORS = new Set(["invalid_client", "unauthorized_client"]);
const BODY_SNIPPET = 300;

function parseErrorBody(body: string): v.InferOutput<typeof TokenErrorBody> | undefined {
  try {
    const parsed = v.safeParse(TokenErrorBody, JSON.parse(body));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

function snippet(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > BODY_SNIPPET ? `${flat.slice(0, BODY_SNIPPET)}...` : flat;
}

export function classifyTokenEndpointReply(status: number, body: string): TokenFailure {
  const parsed = parseErrorBody(body);
  if (parsed !== undefined) {
    const description = parsed.error_description ?? parsed.error;
    if (parsed.error === "invalid_grant")
      return { kind: "invalid_grant", code: parsed.error, description, status };
    if (CONFIG_ERRORS.has(parsed.error)) return { kind: "config", code: parsed.error, description, status };
    if (status >= 500) return { kind: "transient", code: parsed.error, description, status };
    // Other 4xx codes (invalid_request, unsupported_grant_type, …) mean our request is wrong.
    return { kind: "config", code: parsed.error, description, status };
  }
  if (body.includes("invalid_grant")) {
    return { kind: "invalid_grant", code: "invalid_grant", description: snippet(body), status };
  }
  if (status >= 500 || status === 429 || status === 408) {
    return {
      kind: "transient",
      code: `http_${status}`,
      description: snippet(body) || `HTTP ${status}`,
      status,
    };
  }
  return { kind: "config", code: `http_${status}`, description: snippet(body) || `HTTP ${status}`, status };
}

export function networkFailure(code: "timeout" | "network", description: string): TokenFailure {
  return { kind: "transient", code, description };
}

/** "invalid_grant: Token has been expired or revoked." — the form stored in disabled_reason. */
export function describeTokenFailure(failure: TokenFailure): string {
  return `${failure.code}: ${failure.description}`;
}

/** The code of the failure a refresh gets locally when no OAuth client is configured. */
export const OAUTH_CLIENT_MISSING = "oauth_client_missing";

/** Why the OAuth client could not be used (a `config` failure), for logs and client replies. */
export function describeClientProblem(failure: TokenFailure): string {
  return failure.code === OAUTH_CLIENT_MISSING
    ? `no OAuth client is configured (${failure.description})`
    : `Google rejected grantpool's OAuth client (${describeTokenFailure(failure)})`;
}

/** One line saying why a token was not accepted; never the token itself. */
export function describeRejection(failure: TokenFailure): string {
  const detail = describeTokenFailure(failure);
  if (failure.kind === "invalid_grant") return `Google rejected the refresh token (${detail})`;
  if (failure.kind === "config") return `Google rejected the OAuth client or request (${detail})`;
  return `Cannot verify the token with Google (${detail}); try again later`;
}
