/**
 * The Google emulator's OAuth side: the consent endpoint (`/o/oauth2/v2/auth`, where the
 * emulated user always consents unless told not to), the token endpoint (`/token`, refresh and
 * authorization-code grants with PKCE) and userinfo (`/oauth2/v2/userinfo`).
 */
import type { FaultQueue, HeldRefreshes } from "./google-emulator-gates.ts";
import { apiJson, frontEndPage, oauthError, oauthJson, unauthenticated } from "./google-emulator-replies.ts";
import { type EmulatorState, randomId } from "./google-emulator-state.ts";
import type { EmulatorCalls, TokenFault } from "./google-emulator-types.ts";

export interface OAuthContext {
  state: EmulatorState;
  clientId: string;
  clientSecret: string;
  calls: EmulatorCalls;
  tokenFaults: FaultQueue<TokenFault>;
  refreshGate: () => HeldRefreshes | undefined;
  /** A reply that never comes until the emulator closes. */
  hang: (signal: AbortSignal) => Promise<Response>;
}

type Params = Map<string, string>;

async function readParams(request: Request): Promise<Params> {
  const text = await request.text();
  if ((request.headers.get("content-type") ?? "").includes("application/json")) {
    // Google's token endpoint also takes JSON bodies; keep only the string fields.
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null) {
        const entries = Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string");
        return new Map(entries);
      }
    } catch {
      return new Map();
    }
  }
  return new Map(new URLSearchParams(text));
}

/** client_secret_basic: Google takes the client from an `Authorization: Basic` header too. */
function basicClient(request: Request): { id: string; secret: string } | undefined {
  const header = request.headers.get("authorization") ?? "";
  if (!header.startsWith("Basic ")) return undefined;
  try {
    const decoded = atob(header.slice(6));
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    // Not base64 or not URI-encoded: Google treats it as no client credentials at all.
    return undefined;
  }
}

function tokenFaultReply(
  fault: TokenFault,
  signal: AbortSignal,
  context: OAuthContext,
): Promise<Response> | Response {
  switch (fault) {
    case "server_error":
      return oauthError(500, "internal_failure", "Backend Error");
    case "unavailable_html":
      return frontEndPage(503, "The service is currently unavailable.");
    case "invalid_client":
      return oauthError(401, "invalid_client", "The OAuth client was not found.");
    case "unauthorized_client":
      return oauthError(400, "unauthorized_client", "Unauthorized");
    case "non_json_invalid_grant":
      return new Response("<html><body><h1>400 Bad Request</h1><p>Error: invalid_grant</p></body></html>", {
        status: 400,
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    case "hang":
      return context.hang(signal);
  }
}

/** The client check Google makes before looking at the grant. */
function checkClient(request: Request, params: Params, context: OAuthContext): Response | undefined {
  const basic = basicClient(request);
  const id = params.get("client_id") ?? basic?.id;
  const secret = params.get("client_secret") ?? basic?.secret;
  if (id === undefined || id === "") {
    return oauthError(400, "invalid_request", "Could not determine client ID from request.");
  }
  if (id !== context.clientId) return oauthError(401, "invalid_client", "The OAuth client was not found.");
  if (secret !== context.clientSecret) return oauthError(401, "invalid_client", "Unauthorized");
  return undefined;
}

/** A stand-in id_token: the claims Google puts in one, with a random (unverifiable) signature. */
function fakeIdToken(email: string, context: OAuthContext): string {
  const encode = (value: unknown): string =>
    btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  const identity = context.state.identity(email);
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: "https://accounts.google.com",
    azp: context.clientId,
    aud: context.clientId,
    sub: identity?.numericId ?? "0",
    email,
    email_verified: true,
    iat: now,
    exp: now + 3599,
  };
  return `${encode({ alg: "RS256", kid: "emulator", typ: "JWT" })}.${encode(claims)}.${randomId(64)}`;
}

function tokenReply(
  email: string,
  scope: string,
  refreshToken: string | undefined,
  context: OAuthContext,
): Response {
  const body: Record<string, unknown> = {
    access_token: context.state.issueAccessToken(email),
    expires_in: 3599,
    scope,
    token_type: "Bearer",
    id_token: fakeIdToken(email, context),
  };
  if (refreshToken !== undefined) body.refresh_token = refreshToken;
  return oauthJson(200, body);
}

async function refreshGrant(params: Params, signal: AbortSignal, context: OAuthContext): Promise<Response> {
  const token = params.get("refresh_token");
  if (token === undefined || token === "") {
    return oauthError(400, "invalid_request", "Missing required parameter: refresh_token");
  }
  // Decided after the gate, so a test can revoke or rotate while refreshes wait.
  await context.refreshGate()?.enter(signal);
  const grant = context.state.liveRefreshToken(token);
  if (grant === undefined) return oauthError(400, "invalid_grant", "Token has been expired or revoked.");
  let rotated: string | undefined;
  if (context.state.rotateOnRefresh) {
    rotated = context.state.mintRefreshToken(grant.email, grant.scope);
    context.state.revoke(token);
  }
  return tokenReply(grant.email, grant.scope, rotated, context);
}

async function pkceChallenge(verifier: string, method: "S256" | "plain"): Promise<string> {
  if (method === "plain") return verifier;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

async function authorizationCodeGrant(params: Params, context: OAuthContext): Promise<Response> {
  for (const name of ["code", "redirect_uri"]) {
    if ((params.get(name) ?? "") === "") {
      return oauthError(400, "invalid_request", `Missing required parameter: ${name}`);
    }
  }
  const grant = context.state.authCode(params.get("code") ?? "");
  if (grant === undefined || grant.clientId !== context.clientId) {
    return oauthError(400, "invalid_grant", "Malformed auth code.");
  }
  if (grant.used) return oauthError(400, "invalid_grant", "Bad Request");
  grant.used = true;
  if (params.get("redirect_uri") !== grant.redirectUri) {
    return oauthError(400, "redirect_uri_mismatch", "Bad Request");
  }
  const verifier = params.get("code_verifier");
  if (verifier === undefined || verifier === "") {
    return oauthError(400, "invalid_grant", "Missing code verifier.");
  }
  if ((await pkceChallenge(verifier, grant.challengeMethod)) !== grant.challenge) {
    return oauthError(400, "invalid_grant", "Bad Request");
  }
  const refreshToken = context.state.mintRefreshToken(grant.email, grant.scope);
  return tokenReply(grant.email, grant.scope, refreshToken, context);
}

export async function handleToken(request: Request, context: OAuthContext): Promise<Response> {
  if (request.method !== "POST") {
    const detail = `The request method <code>${request.method}</code> is inappropriate for the URL <code>/token</code>.`;
    return frontEndPage(405, detail);
  }
  const params = await readParams(request);
  const grantType = params.get("grant_type") ?? "";
  if (grantType === "refresh_token") {
    context.calls.refresh += 1;
    context.state.countRefreshCall(params.get("refresh_token") ?? "");
  }
  if (grantType === "authorization_code") context.calls.authorizationCode += 1;
  const fault = context.tokenFaults.take();
  if (fault !== undefined) return tokenFaultReply(fault, request.signal, context);
  const clientProblem = checkClient(request, params, context);
  if (clientProblem !== undefined) return clientProblem;
  if (grantType === "refresh_token") return refreshGrant(params, request.signal, context);
  if (grantType === "authorization_code") return authorizationCodeGrant(params, context);
  return oauthError(400, "unsupported_grant_type", `Invalid grant_type: ${grantType}`);
}

/** The consent screen's error page ("Access blocked: Authorization Error"). */
function consentError(error: string, detail: string): Response {
  return frontEndPage(400, `Access blocked: Authorization Error. Error 400: ${error}. ${detail}`);
}

function isLoopbackRedirect(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  } catch {
    return false;
  }
}

export function handleAuth(url: URL, context: OAuthContext): Response {
  const q = url.searchParams;
  const clientId = q.get("client_id") ?? "";
  if (clientId !== context.clientId) return consentError("invalid_client", "The OAuth client was not found.");
  const redirectUri = q.get("redirect_uri") ?? "";
  if (!isLoopbackRedirect(redirectUri)) {
    return consentError(
      "redirect_uri_mismatch",
      "The redirect URI must be a loopback address for a desktop client.",
    );
  }
  for (const name of ["response_type", "scope", "code_challenge"]) {
    if ((q.get(name) ?? "") === "") {
      return consentError("invalid_request", `Missing required parameter: ${name}`);
    }
  }
  if (q.get("response_type") !== "code") {
    return consentError("unsupported_response_type", "Only code is supported.");
  }
  const method = q.get("code_challenge_method") ?? "plain";
  if (method !== "S256" && method !== "plain") {
    return consentError("invalid_request", `Invalid code_challenge_method: ${method}`);
  }
  const hint = q.get("login_hint");
  const identity = hint === null ? context.state.lastAddedIdentity() : context.state.identity(hint);
  if (identity === undefined) {
    return consentError(
      "invalid_request",
      `Google emulator: no identity to consent as (login_hint ${hint ?? "absent"}).`,
    );
  }
  const redirect = new URL(redirectUri);
  const state = q.get("state");
  if (state !== null) redirect.searchParams.set("state", state);
  if (context.state.consentDenied) {
    redirect.searchParams.set("error", "access_denied");
  } else {
    const scope = q.get("scope") ?? "";
    const code = context.state.issueAuthCode({
      email: identity.email,
      clientId,
      redirectUri,
      challenge: q.get("code_challenge") ?? "",
      challengeMethod: method,
      scope,
    });
    redirect.searchParams.set("iss", "https://accounts.google.com");
    redirect.searchParams.set("code", code);
    redirect.searchParams.set("scope", scope);
    redirect.searchParams.set("authuser", "0");
    redirect.searchParams.set("prompt", "consent");
  }
  return new Response(null, { status: 302, headers: { location: redirect.toString() } });
}

export function handleUserinfo(request: Request, url: URL, context: OAuthContext): Response {
  context.calls.userinfo += 1;
  const header = request.headers.get("authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7).trim() : url.searchParams.get("access_token");
  if (token === null || token === "") return unauthenticated(false);
  const record = context.state.accessToken(token);
  const identity = record?.valid === true ? context.state.identity(record.email) : undefined;
  if (identity === undefined) return unauthenticated(true);
  const body: Record<string, unknown> = {
    id: identity.numericId,
    email: identity.email,
    verified_email: true,
  };
  const [given, ...family] = identity.name.split(" ");
  body.name = identity.name;
  body.given_name = given;
  if (family.length > 0) body.family_name = family.join(" ");
  body.picture = `https://lh3.googleusercontent.com/a/emu-${identity.numericId}=s96-c`;
  return apiJson(200, body);
}
