/**
 * A Google emulator for tests: one real HTTP server (Bun.serve, 127.0.0.1, port 0) that plays
 * Google's OAuth endpoints (consent, token, userinfo), the Gemini API and Cloud Code Assist,
 * with Google's documented reply bodies, status codes and headers. Tests (and, through
 * google-emulator-main.ts, a spawned grantpool binary) point their Google URLs at it, then
 * revoke tokens, inject faults and hold calls to drive the account lifecycle. It emulates
 * Google, so it imports nothing from src/.
 */
import { FaultQueue, HeldRefreshes, HeldStream } from "./google-emulator-gates.ts";
import { handleAuth, handleToken, handleUserinfo, type OAuthContext } from "./google-emulator-oauth.ts";
import { QuotaLedger } from "./google-emulator-quota.ts";
import { connectionReset, rpcError } from "./google-emulator-replies.ts";
import { EmulatorState, randomDigits, randomId } from "./google-emulator-state.ts";
import type {
  EmulatedIdentity,
  EmulatorCalls,
  GoogleEmulator,
  GoogleEmulatorOptions,
  QuotaSetting,
  RefreshGate,
  StreamFault,
  StreamHold,
  TokenFault,
  TurnScript,
  UpstreamFault,
  UpstreamFaultOptions,
  UpstreamRequest,
  UpstreamStream,
} from "./google-emulator-types.ts";
import { handleUpstream, type UpstreamContext } from "./google-emulator-upstream.ts";

export type * from "./google-emulator-types.ts";

const DEFAULT_STREAM_CHUNKS = ["answered ", "by {email}"];

class RunningEmulator implements GoogleEmulator {
  readonly url: string;
  readonly tokenUrl: string;
  readonly userinfoUrl: string;
  readonly authUrl: string;
  readonly upstreamUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly calls: EmulatorCalls = { refresh: 0, authorizationCode: 0, userinfo: 0, upstream: 0 };
  readonly upstreamRequests: UpstreamRequest[] = [];
  readonly upstreamStreams: UpstreamStream[] = [];
  readonly #state = new EmulatorState();
  readonly #quota = new QuotaLedger();
  readonly #tokenFaults = new FaultQueue<TokenFault>();
  readonly #upstreamFaults = new FaultQueue<UpstreamFault>();
  readonly #streamFaults = new FaultQueue<StreamFault>();
  readonly #hanging = new Set<() => void>();
  #refreshGate: HeldRefreshes | undefined;
  #streamHold: HeldStream | undefined;
  #streamChunks: readonly string[] = DEFAULT_STREAM_CHUNKS;
  readonly #scriptedTurns: TurnScript[] = [];
  #defaultTurn: TurnScript | undefined;
  #requireSignatures = false;
  #server: ReturnType<typeof Bun.serve> | undefined;
  readonly #route: (request: Request) => Response | Promise<Response>;
  #closed: Promise<void> | undefined;

  constructor(options: GoogleEmulatorOptions) {
    this.clientId =
      options.clientId ?? `${randomDigits(12)}-emu${randomDigits(8)}.apps.googleusercontent.com`;
    this.clientSecret = options.clientSecret ?? `emu-secret-${randomId(18)}`;
    const oauth: OAuthContext = {
      state: this.#state,
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      calls: this.calls,
      tokenFaults: this.#tokenFaults,
      refreshGate: () => this.#refreshGate,
      hang: (signal) => this.#hang(signal),
    };
    const upstream: UpstreamContext = {
      state: this.#state,
      calls: this.calls,
      requests: this.upstreamRequests,
      streams: this.upstreamStreams,
      faults: this.#upstreamFaults,
      quota: this.#quota,
      streamFaults: this.#streamFaults,
      streamChunks: () => this.#streamChunks,
      streamHold: () => this.#streamHold,
      nextTurn: (call) => {
        const turn = this.#scriptedTurns.shift() ?? this.#defaultTurn;
        return typeof turn === "function" ? turn(call) : turn;
      },
      requireSignatures: () => this.#requireSignatures,
    };
    this.#route = (request) => route(request, oauth, upstream);
    this.#server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      // Held refreshes and streams may wait far longer than Bun's 10 s default idle timeout.
      idleTimeout: 0,
      development: false,
      fetch: (request) => route(request, oauth, upstream),
      // A thrown error is an emulator bug: say so in Google's shape rather than Bun's HTML page.
      error: (error) => rpcError(500, "INTERNAL", `Google emulator bug: ${error.message}`),
    });
    this.url = `http://127.0.0.1:${this.#server.port}`;
    this.tokenUrl = `${this.url}/token`;
    this.userinfoUrl = `${this.url}/oauth2/v2/userinfo`;
    this.authUrl = `${this.url}/o/oauth2/v2/auth`;
    this.upstreamUrl = this.url;
  }

  addIdentity(identity: EmulatedIdentity): string {
    return this.#state.addIdentity(identity);
  }

  mintRefreshToken(email: string): string {
    return this.#state.mintRefreshToken(email);
  }

  revoke(refreshToken: string): void {
    this.#state.revoke(refreshToken);
  }

  expireAccessTokens(): void {
    this.#state.expireAccessTokens();
  }

  rotateRefreshTokensOnRefresh(on: boolean): void {
    this.#state.rotateOnRefresh = on;
  }

  denyConsent(on: boolean): void {
    this.#state.consentDenied = on;
  }

  failTokenEndpoint(fault: TokenFault, times?: number): void {
    this.#tokenFaults.add(fault, times);
  }

  clearTokenFaults(): void {
    this.#tokenFaults.clear();
  }

  holdRefreshes(): RefreshGate {
    this.#refreshGate?.release();
    const gate = new HeldRefreshes();
    this.#refreshGate = gate;
    return {
      release: () => {
        gate.release();
        if (this.#refreshGate === gate) this.#refreshGate = undefined;
      },
      waiting: () => gate.waiting(),
      waitFor: (n, timeoutMs) => gate.waitFor(n, timeoutMs),
    };
  }

  failUpstream(fault: UpstreamFault, options: UpstreamFaultOptions = {}): void {
    this.#upstreamFaults.add(fault, options.times, options.forAccessTokenOf);
  }

  failStreams(fault: StreamFault, options: UpstreamFaultOptions = {}): void {
    this.#streamFaults.add(fault, options.times, options.forAccessTokenOf);
  }

  clearUpstreamFaults(): void {
    this.#upstreamFaults.clear();
    this.#streamFaults.clear();
  }

  setStreamChunks(chunks: string[]): void {
    this.#streamChunks = [...chunks];
  }

  scriptTurns(...turns: TurnScript[]): void {
    this.#scriptedTurns.push(...turns);
  }

  setDefaultTurn(turn: TurnScript | undefined): void {
    this.#defaultTurn = turn;
  }

  requireThoughtSignatures(on: boolean): void {
    this.#requireSignatures = on;
  }

  holdStream(): StreamHold {
    this.#streamHold?.releaseAll();
    const hold = new HeldStream();
    this.#streamHold = hold;
    return {
      releaseNext: () => hold.releaseNext(),
      releaseAll: () => {
        hold.releaseAll();
        if (this.#streamHold === hold) this.#streamHold = undefined;
      },
      waiting: () => hold.waiting(),
    };
  }

  setQuota(email: string, model: string, quota: QuotaSetting): void {
    this.#quota.set(this.#knownEmail(email), model, quota);
  }

  lowerQuota(email: string, remainingFraction: number): void {
    this.#quota.lower(this.#knownEmail(email), remainingFraction);
  }

  resetQuota(email: string): void {
    this.#quota.reset(this.#knownEmail(email));
  }

  quotaCallsFor(email: string): number {
    return this.#quota.callsFor(email);
  }

  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    return this.#route(
      input instanceof Request ? new Request(input, init) : new Request(String(input), init),
    );
  }

  refreshCallsFor(refreshToken: string): number {
    return this.#state.refreshCallsFor(refreshToken);
  }

  close(): Promise<void> {
    this.#closed ??= this.#shutDown();
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutDown(): Promise<void> {
    this.#refreshGate?.release();
    this.#streamHold?.releaseAll();
    for (const drop of [...this.#hanging]) drop();
    const server = this.#server;
    this.#server = undefined;
    await server?.stop(true);
  }

  /** A quota switch for an email no identity has is a typo in the test: say so instead of ignoring it. */
  #knownEmail(email: string): string {
    if (this.#state.identity(email) === undefined) {
      throw new Error(`Google emulator: no identity "${email}"; call addIdentity first`);
    }
    return email;
  }

  #hang(signal: AbortSignal): Promise<Response> {
    return new Promise((resolve) => {
      const drop = (): void => {
        this.#hanging.delete(drop);
        resolve(connectionReset());
      };
      this.#hanging.add(drop);
      signal.addEventListener("abort", drop, { once: true });
    });
  }
}

function route(
  request: Request,
  oauth: OAuthContext,
  upstream: UpstreamContext,
): Response | Promise<Response> {
  const url = new URL(request.url);
  switch (url.pathname) {
    case "/token":
      return handleToken(request, oauth);
    case "/o/oauth2/v2/auth":
      return handleAuth(url, oauth);
    case "/oauth2/v2/userinfo":
      return handleUserinfo(request, url, oauth);
    default:
      return handleUpstream(request, url, upstream);
  }
}

export function startGoogleEmulator(options: GoogleEmulatorOptions = {}): Promise<GoogleEmulator> {
  return Promise.resolve(new RunningEmulator(options));
}
