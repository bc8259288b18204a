/**
 * The public surface of the Google emulator (test support). Kept apart from the server so the
 * route modules can share these types without importing each other in a circle.
 */

export interface EmulatedIdentity {
  email: string;
  name?: string;
  /** Cloud Code Assist project; when set, `v1internal` calls naming another project get 403. */
  projectId?: string;
  /** A paid Code Assist tier (loadCodeAssist's `paidTier.id`, e.g. `g1-pro-tier`); none by default. */
  paidTier?: string;
}

/**
 * Faults of the token endpoint. `server_error` is Google's JSON 500, `unavailable_html` the
 * front end's 503 HTML page, `hang` accepts the call and never answers until close().
 */
export type TokenFault =
  | "server_error"
  | "unavailable_html"
  | "invalid_client"
  | "unauthorized_client"
  | "non_json_invalid_grant"
  | "hang";

export type UpstreamFault =
  | {
      kind: "resource_exhausted";
      /** RetryInfo.retryDelay in seconds; no RetryInfo detail when absent. */
      retryDelaySeconds?: number;
      /** Value of a `Retry-After` header; no header when absent. */
      retryAfterHeader?: number;
      /** ErrorInfo.metadata.quotaResetDelay (Cloud Code's "1h2m3.5s" form); no ErrorInfo when absent. */
      quotaResetDelay?: string;
      /** ErrorInfo.reason; RATE_LIMIT_EXCEEDED when absent. */
      reason?: "RATE_LIMIT_EXCEEDED" | "QUOTA_EXHAUSTED";
      /** Model named in the quota details; the request's model when absent. */
      model?: string;
    }
  | { kind: "unauthenticated" }
  | { kind: "permission_denied" }
  | { kind: "validation_required"; validationUrl?: string }
  | { kind: "server_error"; status?: 500 | 502 | 503 }
  /** The model the call names does not exist (Google's 404 NOT_FOUND). */
  | { kind: "model_not_found" }
  /** Close the connection without a reply. */
  | { kind: "reset" };

/**
 * A streamed reply that goes wrong after it began (status 200, `afterEvents` events sent), as
 * Google's do: `break` drops the connection mid-body (no last chunk; the reader's next read
 * fails), `error_event` sends Google's `{"error": {503, UNAVAILABLE, "The model is overloaded…"}}`
 * as one more event and ends the stream there. On Cloud Code the error event is not wrapped in
 * `{response}`, as Cloud Code sends it. Both wait for the stream hold like an event does.
 */
export type StreamFault = { kind: "break" | "error_event"; afterEvents: number };

export interface UpstreamFaultOptions {
  /** How many matching calls fail; until clearUpstreamFaults() when absent. */
  times?: number;
  /** Only calls carrying an access token of this identity fail. */
  forAccessTokenOf?: string;
}

/**
 * One part of a scripted model reply, as Gemini sends it: text, a thought summary (`thought:
 * true`), or a function call; any of them may carry a `thoughtSignature` (Gemini 3 puts one on
 * the first function call of a step, 2.5 on the part that ends its thinking).
 */
export type ModelPart =
  | { text: string; thought?: boolean; thoughtSignature?: string }
  | {
      functionCall: { name: string; args: Record<string, unknown>; id?: string };
      thoughtSignature?: string;
    };

/** A scripted answer of the emulated model to one generateContent / streamGenerateContent call. */
export interface ModelTurn {
  parts: ModelPart[];
  /** STOP unless given; Gemini ends a turn of function calls with STOP too. */
  finishReason?: "STOP" | "MAX_TOKENS" | "SAFETY" | "RECITATION" | "MALFORMED_FUNCTION_CALL" | "OTHER";
  /** usageMetadata.cachedContentTokenCount: how much of the prompt came from the context cache. */
  cachedTokens?: number;
  /** usageMetadata.thoughtsTokenCount; estimated from the thought parts when absent. */
  thoughtsTokens?: number;
  /** A streamed reply sends each text part in this many pieces (default 2); function calls whole. */
  piecesPerText?: number;
}

/** What a scripted turn may look at: the call as Gemini sees it (Cloud Code's wrapping removed). */
export interface GenerateCallView {
  model: string;
  request: Record<string, unknown>;
  /** The identity whose token served the call. */
  email: string;
  streamed: boolean;
}

export type TurnScript = ModelTurn | ((call: GenerateCallView) => ModelTurn);

export interface RefreshGate {
  /** Lets every held refresh go on, and every later one pass without waiting. */
  release(): void;
  /** How many refresh_token grants are waiting now. */
  waiting(): number;
  /** Resolves when at least n refreshes are waiting; rejects after timeoutMs (default 5000). */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
}

export interface StreamHold {
  /** Lets one more stream event (of any stream) go out. */
  releaseNext(): void;
  /** Lets every event go out from now on. */
  releaseAll(): void;
  /** How many stream events are waiting for a release now. */
  waiting(): number;
}

export interface UpstreamRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** Parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
  /** The body exactly as it arrived ("" when empty). */
  text: string;
  /** The identity whose access token the call carried (even an expired one). */
  email?: string;
}

/** One streamed reply (streamGenerateContent) as the emulator sent it. */
export interface UpstreamStream {
  /** Path of the call, without the query string. */
  readonly path: string;
  /** How many events the reply has in all. */
  readonly events: number;
  /** How many events the reader has taken so far (a reader that stops reading stops this). */
  sent: number;
  /**
   * `open` while sending; `complete` after the last event; `cancelled` when the caller went away;
   * `broken` when a `break` fault dropped the connection.
   */
  state: "open" | "complete" | "cancelled" | "broken";
}

/** One model's Cloud Code quota as fetchAvailableModels reports it. */
export interface QuotaSetting {
  /** 0 (used up) to 1 (full); Google omits the field when it is 0. */
  remainingFraction: number;
  /** When the quota refills; the identity's current reset time stays when absent. */
  resetTime?: Date;
}

export interface EmulatorCalls {
  refresh: number;
  authorizationCode: number;
  userinfo: number;
  upstream: number;
}

export interface GoogleEmulator extends AsyncDisposable {
  readonly url: string;
  readonly tokenUrl: string;
  readonly userinfoUrl: string;
  readonly authUrl: string;
  readonly upstreamUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  addIdentity(identity: EmulatedIdentity): string;
  mintRefreshToken(email: string): string;
  revoke(refreshToken: string): void;
  expireAccessTokens(): void;
  rotateRefreshTokensOnRefresh(on: boolean): void;
  /** The emulated user declines consent: the auth endpoint redirects with error=access_denied. */
  denyConsent(on: boolean): void;
  failTokenEndpoint(fault: TokenFault, times?: number): void;
  clearTokenFaults(): void;
  holdRefreshes(): RefreshGate;
  failUpstream(fault: UpstreamFault, options?: UpstreamFaultOptions): void;
  /** Faults of streamed replies only (streamGenerateContent); a fault never refuses the call itself. */
  failStreams(fault: StreamFault, options?: UpstreamFaultOptions): void;
  /** Clears the upstream faults, the stream faults too. */
  clearUpstreamFaults(): void;
  /** Texts of the stream events; `{email}` in a text is replaced by the serving identity's email. */
  setStreamChunks(chunks: string[]): void;
  /** Answers the next generate calls with these turns, one per call, in order. */
  scriptTurns(...turns: TurnScript[]): void;
  /** The answer of every generate call when no scripted turn is queued; undefined: the default text. */
  setDefaultTurn(turn: TurnScript | undefined): void;
  /**
   * Gemini 3's rule for every model: a request whose current turn replays a model step's function
   * call without its thoughtSignature gets Google's 400. Calls naming a gemini-3 model are always
   * checked, as Google checks them.
   */
  requireThoughtSignatures(on: boolean): void;
  holdStream(): StreamHold;
  /**
   * Cloud Code quota (`/v1internal:fetchAvailableModels`) of one model of an identity. Every
   * identity starts full (remainingFraction 1, resetTime 5 h after its first quota call or
   * switch). Throws for an unknown identity, a model without quota, or a fraction outside 0..1.
   */
  setQuota(email: string, model: string, quota: QuotaSetting): void;
  /** Every quota model of the identity to `remainingFraction`; reset times stay. */
  lowerQuota(email: string, remainingFraction: number): void;
  /** Every quota model of the identity back to full, with a fresh reset time 5 h ahead. */
  resetQuota(email: string): void;
  /** fetchAvailableModels calls with a valid access token of the identity, faulted ones included. */
  quotaCallsFor(email: string): number;
  /**
   * The emulator's answer to a request without a socket between: what a body stream sends is
   * exactly what the caller pulled (Bun's fetch client and server buffer a socket's stream
   * without limit, so a slow reader is invisible through them).
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  readonly calls: Readonly<EmulatorCalls>;
  refreshCallsFor(refreshToken: string): number;
  readonly upstreamRequests: ReadonlyArray<UpstreamRequest>;
  /** Every streamed reply, in the order the calls arrived. */
  readonly upstreamStreams: ReadonlyArray<Readonly<UpstreamStream>>;
  close(): Promise<void>;
}

export interface GoogleEmulatorOptions {
  clientId?: string;
  clientSecret?: string;
}
