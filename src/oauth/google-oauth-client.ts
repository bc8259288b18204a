/**
 * Google's OAuth endpoints: refresh, userinfo, and the authorization-code exchange. `fetch` and the
 * clock are injected. Every failure is a TokenFailure (see accounts/token-failure.ts); messages
 * never include a token.
 */
import * as v from "valibot";
import {
  classifyTokenEndpointReply,
  networkFailure,
  OAUTH_CLIENT_MISSING,
  type TokenFailure,
} from "../accounts/token-failure.ts";
import { err, ok, type Result } from "../result.ts";
import { type Clock, unixSeconds } from "../time/clock.ts";
import { describeIssues, TokenReply, UserinfoReply } from "./oauth-replies.ts";

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface GoogleOAuthOptions {
  readonly fetch: FetchLike;
  readonly clock: Clock;
  readonly tokenUrl: string;
  readonly userinfoUrl: string;
  readonly authUrl: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Each call to Google is abandoned after this long and counted as transient. */
  readonly timeoutMs: number;
}

export interface TokenGrant {
  readonly accessToken: string;
  readonly expiresIn: number;
  /** Unix seconds at which the access token expires, from the injected clock. */
  readonly expiryTimestamp: number;
  readonly tokenType: string;
  /** Present when Google rotated the refresh token (or in a code exchange). */
  readonly refreshToken?: string;
}

export interface UserInfo {
  readonly email: string;
  readonly name?: string;
}

export interface AuthorizationRequest {
  readonly redirectUri: string;
  readonly state: string;
  readonly codeChallenge: string;
  readonly loginHint?: string;
}

export const OAUTH_SCOPES = [
  "https://www.googleapis.com/auth/cloud-platform",
  "https://www.googleapis.com/auth/userinfo.email",
  "https://www.googleapis.com/auth/userinfo.profile",
  "openid",
];

export interface GoogleOAuthClient {
  refresh(refreshToken: string): Promise<Result<TokenGrant, TokenFailure>>;
  userinfo(accessToken: string): Promise<Result<UserInfo, TokenFailure>>;
  exchangeCode(
    code: string,
    codeVerifier: string,
    redirectUri: string,
  ): Promise<Result<TokenGrant, TokenFailure>>;
  authorizationUrl(request: AuthorizationRequest): string;
}

type Call = Result<{ status: number; body: string }, TokenFailure>;

export function createGoogleOAuthClient(options: GoogleOAuthOptions): GoogleOAuthClient {
  const call = async (url: string, init: RequestInit): Promise<Call> => {
    const controller = new AbortController();
    const cancelTimer = options.clock.setTimer(() => controller.abort(), options.timeoutMs);
    try {
      const response = await options.fetch(url, { ...init, signal: controller.signal });
      return ok({ status: response.status, body: await response.text() });
    } catch (cause) {
      if (controller.signal.aborted) {
        return err(
          networkFailure("timeout", `no reply from ${new URL(url).host} within ${options.timeoutMs} ms`),
        );
      }
      const reason = cause instanceof Error ? cause.message : String(cause);
      return err(networkFailure("network", `cannot reach ${new URL(url).host}: ${reason}`));
    } finally {
      cancelTimer();
    }
  };

  const clientCredentials = (): Result<{ id: string; secret: string }, TokenFailure> => {
    const { clientId, clientSecret } = options;
    if (clientId === undefined || clientId === "" || clientSecret === undefined || clientSecret === "") {
      return err({
        kind: "config",
        code: OAUTH_CLIENT_MISSING,
        description:
          "set --oauth-client-id / GRANTPOOL_OAUTH_CLIENT_ID and --oauth-client-secret / GRANTPOOL_OAUTH_CLIENT_SECRET",
      });
    }
    return ok({ id: clientId, secret: clientSecret });
  };

  const tokenCall = async (grant: Record<string, string>): Promise<Result<TokenGrant, TokenFailure>> => {
    const client = clientCredentials();
    if (!client.ok) return client;
    const form = new URLSearchParams({
      ...grant,
      client_id: client.value.id,
      client_secret: client.value.secret,
    });
    const reply = await call(options.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form.toString(),
    });
    if (!reply.ok) return reply;
    const { status, body } = reply.value;
    if (status !== 200) return err(classifyTokenEndpointReply(status, body));
    return parseGrant(body, unixSeconds(options.clock));
  };

  return {
    refresh: (refreshToken) => tokenCall({ grant_type: "refresh_token", refresh_token: refreshToken }),
    exchangeCode: (code, codeVerifier, redirectUri) =>
      tokenCall({
        grant_type: "authorization_code",
        code,
        code_verifier: codeVerifier,
        redirect_uri: redirectUri,
      }),
    async userinfo(accessToken) {
      const reply = await call(options.userinfoUrl, {
        headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
      });
      if (!reply.ok) return reply;
      const { status, body } = reply.value;
      if (status !== 200) {
        const kind = status >= 500 ? "transient" : "config";
        return err({
          kind,
          code: `userinfo_${status}`,
          description: `userinfo endpoint answered HTTP ${status}`,
          status,
        });
      }
      return parseUserinfo(body);
    },
    authorizationUrl(request) {
      const url = new URL(options.authUrl);
      const params: Record<string, string> = {
        client_id: options.clientId ?? "",
        redirect_uri: request.redirectUri,
        response_type: "code",
        scope: OAUTH_SCOPES.join(" "),
        access_type: "offline",
        prompt: "consent",
        state: request.state,
        code_challenge: request.codeChallenge,
        code_challenge_method: "S256",
      };
      if (request.loginHint !== undefined) params.login_hint = request.loginHint;
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      return url.toString();
    },
  };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function malformed(what: string, detail: string): TokenFailure {
  return { kind: "transient", code: "malformed_reply", description: `${what} reply is malformed: ${detail}` };
}

function parseGrant(body: string, nowSeconds: number): Result<TokenGrant, TokenFailure> {
  const parsed = v.safeParse(TokenReply, parseJson(body));
  if (!parsed.success) return err(malformed("token endpoint", describeIssues(parsed.issues)));
  const reply = parsed.output;
  const grant: TokenGrant = {
    accessToken: reply.access_token,
    expiresIn: reply.expires_in,
    expiryTimestamp: nowSeconds + reply.expires_in,
    tokenType: reply.token_type,
  };
  return ok(reply.refresh_token === undefined ? grant : { ...grant, refreshToken: reply.refresh_token });
}

function parseUserinfo(body: string): Result<UserInfo, TokenFailure> {
  const parsed = v.safeParse(UserinfoReply, parseJson(body));
  if (!parsed.success) return err(malformed("userinfo", describeIssues(parsed.issues)));
  const { email, name } = parsed.output;
  return ok(name === undefined ? { email } : { email, name });
}
