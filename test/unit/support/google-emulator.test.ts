/** Tests of the Google emulator itself: the replies other tests rely on must be Google's. */
import { describe, expect, test } from "bun:test";
import { type GoogleEmulator, startGoogleEmulator } from "../../support/google-emulator.ts";
import { waitFor } from "../../support/wait-for.ts";

const MODEL_URL = "/v1beta/models/gemini-2.5-flash";

function postForm(url: string, params: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
}

function refresh(emu: GoogleEmulator, refreshToken: string, overrides: Record<string, string> = {}) {
  return postForm(emu.tokenUrl, {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: emu.clientId,
    client_secret: emu.clientSecret,
    ...overrides,
  });
}

async function accessTokenFor(emu: GoogleEmulator, refreshToken: string): Promise<string> {
  const reply = await refresh(emu, refreshToken);
  const body = (await reply.json()) as { access_token: string };
  return body.access_token;
}

function generate(emu: GoogleEmulator, accessToken: string, headers: Record<string, string> = {}) {
  return fetch(`${emu.upstreamUrl}${MODEL_URL}:generateContent`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hello" }] }] }),
  });
}

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

async function consent(emu: GoogleEmulator, params: Record<string, string>): Promise<Response> {
  const url = new URL(emu.authUrl);
  const defaults = {
    client_id: emu.clientId,
    redirect_uri: "http://127.0.0.1:5555/oauth-callback",
    response_type: "code",
    scope: "openid email",
    access_type: "offline",
    prompt: "consent",
  };
  for (const [name, value] of Object.entries({ ...defaults, ...params })) url.searchParams.set(name, value);
  return fetch(url, { redirect: "manual" });
}

/** Reads whole SSE events ("data: …\r\n\r\n") one at a time from a stream. */
function sseReader(body: ReadableStream<Uint8Array>): () => Promise<string | undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  return async () => {
    for (;;) {
      const end = buffered.indexOf("\r\n\r\n");
      if (end >= 0) {
        const event = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        return event;
      }
      const { done, value } = await reader.read();
      if (done) return undefined;
      buffered += decoder.decode(value, { stream: true });
    }
  };
}

function eventText(event: string | undefined): string {
  const parsed = JSON.parse((event ?? "").replace(/^data: /, "")) as {
    candidates: { content: { parts: { text: string }[] } }[];
  };
  return parsed.candidates[0]?.content.parts[0]?.text ?? "";
}

describe("token endpoint", () => {
  test("answers a refresh_token grant with a fresh access token and no new refresh token", async () => {
    await using emu = await startGoogleEmulator();
    const refreshToken = emu.addIdentity({ email: "a@x.com" });
    const reply = await refresh(emu, refreshToken);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await reply.json()) as Record<string, unknown>;
    expect(String(body.access_token)).toStartWith("ya29.emu-");
    expect(body.expires_in).toBe(3599);
    expect(body.token_type).toBe("Bearer");
    expect(typeof body.scope).toBe("string");
    expect(String(body.id_token).split(".")).toHaveLength(3);
    expect(body.refresh_token).toBeUndefined();
    expect(refreshToken).toStartWith("1//emu-");
    expect(emu.calls.refresh).toBe(1);
    expect(emu.refreshCallsFor(refreshToken)).toBe(1);
  });

  test("answers invalid_grant for a revoked refresh token", async () => {
    await using emu = await startGoogleEmulator();
    const refreshToken = emu.addIdentity({ email: "a@x.com" });
    emu.revoke(refreshToken);
    const reply = await refresh(emu, refreshToken);
    expect(reply.status).toBe(400);
    expect(await reply.json()).toEqual({
      error: "invalid_grant",
      error_description: "Token has been expired or revoked.",
    });
  });

  test("answers invalid_grant for a refresh token it never issued", async () => {
    await using emu = await startGoogleEmulator();
    const reply = await refresh(emu, "1//emu-never-issued");
    expect(reply.status).toBe(400);
    expect(((await reply.json()) as { error: string }).error).toBe("invalid_grant");
  });

  test("answers invalid_client for an unknown client id or a wrong secret", async () => {
    await using emu = await startGoogleEmulator();
    const refreshToken = emu.addIdentity({ email: "a@x.com" });
    const unknown = await refresh(emu, refreshToken, {
      client_id: "someone-else.apps.googleusercontent.com",
    });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({
      error: "invalid_client",
      error_description: "The OAuth client was not found.",
    });
    const wrongSecret = await refresh(emu, refreshToken, { client_secret: "wrong" });
    expect(wrongSecret.status).toBe(401);
    expect(((await wrongSecret.json()) as { error: string }).error).toBe("invalid_client");
  });

  test("names the missing parameter in invalid_request", async () => {
    await using emu = await startGoogleEmulator();
    const reply = await postForm(emu.tokenUrl, {
      grant_type: "refresh_token",
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
    });
    expect(reply.status).toBe(400);
    expect(await reply.json()).toEqual({
      error: "invalid_request",
      error_description: "Missing required parameter: refresh_token",
    });
  });

  test("rotates the refresh token when rotation is on and revokes the old one", async () => {
    await using emu = await startGoogleEmulator();
    const first = emu.addIdentity({ email: "a@x.com" });
    emu.rotateRefreshTokensOnRefresh(true);
    const body = (await (await refresh(emu, first)).json()) as { refresh_token?: string };
    expect(body.refresh_token).toStartWith("1//emu-");
    expect((await refresh(emu, first)).status).toBe(400);
    expect((await refresh(emu, body.refresh_token ?? "")).status).toBe(200);
  });

  test("fails the next calls with the injected faults, then answers normally", async () => {
    await using emu = await startGoogleEmulator();
    const refreshToken = emu.addIdentity({ email: "a@x.com" });
    emu.failTokenEndpoint("unauthorized_client", 1);
    emu.failTokenEndpoint("non_json_invalid_grant", 1);
    emu.failTokenEndpoint("server_error", 1);
    const unauthorized = await refresh(emu, refreshToken);
    expect(unauthorized.status).toBe(400);
    expect(await unauthorized.json()).toEqual({
      error: "unauthorized_client",
      error_description: "Unauthorized",
    });
    const html = await refresh(emu, refreshToken);
    expect(html.status).toBe(400);
    expect(html.headers.get("content-type")).toStartWith("text/html");
    expect(await html.text()).toContain("invalid_grant");
    const serverError = await refresh(emu, refreshToken);
    expect(serverError.status).toBe(500);
    expect(((await serverError.json()) as { error: string }).error).toBe("internal_failure");
    expect((await refresh(emu, refreshToken)).status).toBe(200);
    expect(emu.refreshCallsFor(refreshToken)).toBe(4);
  });

  test("keeps failing until the faults are cleared when no count is given", async () => {
    await using emu = await startGoogleEmulator();
    const refreshToken = emu.addIdentity({ email: "a@x.com" });
    emu.failTokenEndpoint("invalid_client");
    expect((await refresh(emu, refreshToken)).status).toBe(401);
    expect((await refresh(emu, refreshToken)).status).toBe(401);
    emu.clearTokenFaults();
    expect((await refresh(emu, refreshToken)).status).toBe(200);
  });

  test("leaves a hung token call unanswered until the emulator closes", async () => {
    const emu = await startGoogleEmulator();
    const refreshToken = emu.addIdentity({ email: "a@x.com" });
    emu.failTokenEndpoint("hang", 1);
    let settled = false;
    const hung = refresh(emu, refreshToken).finally(() => {
      settled = true;
    });
    await waitFor(() => emu.calls.refresh === 1, { message: "the refresh to arrive" });
    expect(settled).toBe(false);
    await emu.close();
    await expect(hung).rejects.toThrow();
  });
});

describe("refresh gate", () => {
  test("holds refreshes until released and decides them after the release", async () => {
    await using emu = await startGoogleEmulator();
    const kept = emu.addIdentity({ email: "a@x.com" });
    const revoked = emu.addIdentity({ email: "b@y.com" });
    const gate = emu.holdRefreshes();
    let settled = 0;
    const replies = [refresh(emu, kept), refresh(emu, revoked)].map((p) => p.finally(() => (settled += 1)));
    await gate.waitFor(2);
    expect(gate.waiting()).toBe(2);
    expect(settled).toBe(0);
    emu.revoke(revoked);
    gate.release();
    const [ok, dead] = await Promise.all(replies);
    expect(ok?.status).toBe(200);
    expect(dead?.status).toBe(400);
    expect((await refresh(emu, kept)).status).toBe(200);
  });

  test("rejects waitFor when the refreshes never arrive in time", async () => {
    await using emu = await startGoogleEmulator();
    const gate = emu.holdRefreshes();
    await expect(gate.waitFor(1, 20)).rejects.toThrow("0 of 1 refreshes waiting");
  });
});

describe("consent and authorization code", () => {
  test("exchanges a code for tokens when the PKCE verifier matches", async () => {
    await using emu = await startGoogleEmulator();
    emu.addIdentity({ email: "a@x.com", name: "Ada Lovelace" });
    const verifier = "a-verifier-that-is-long-enough-for-pkce-0123456789";
    const redirect = await consent(emu, {
      code_challenge: await s256(verifier),
      code_challenge_method: "S256",
    });
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe("http://127.0.0.1:5555/oauth-callback");
    const reply = await postForm(emu.tokenUrl, {
      grant_type: "authorization_code",
      code: location.searchParams.get("code") ?? "",
      redirect_uri: "http://127.0.0.1:5555/oauth-callback",
      code_verifier: verifier,
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
    });
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as { refresh_token: string; access_token: string; scope: string };
    expect(body.scope).toBe("openid email");
    expect(emu.calls.authorizationCode).toBe(1);
    expect((await refresh(emu, body.refresh_token)).status).toBe(200);
  });

  test("answers invalid_grant when the PKCE verifier does not match, and codes are single-use", async () => {
    await using emu = await startGoogleEmulator();
    emu.addIdentity({ email: "a@x.com" });
    const redirect = await consent(emu, {
      code_challenge: await s256("right-verifier"),
      code_challenge_method: "S256",
    });
    const code = new URL(redirect.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const exchange = (verifier: string) =>
      postForm(emu.tokenUrl, {
        grant_type: "authorization_code",
        code,
        redirect_uri: "http://127.0.0.1:5555/oauth-callback",
        code_verifier: verifier,
        client_id: emu.clientId,
        client_secret: emu.clientSecret,
      });
    const wrong = await exchange("wrong-verifier");
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: "invalid_grant", error_description: "Bad Request" });
    const reused = await exchange("right-verifier");
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { error: string }).error).toBe("invalid_grant");
  });

  test("returns the state unchanged through the consent redirect", async () => {
    await using emu = await startGoogleEmulator();
    emu.addIdentity({ email: "a@x.com" });
    const state = "st/ate+with=odd&chars 42";
    const redirect = await consent(emu, {
      code_challenge: "x".repeat(43),
      code_challenge_method: "S256",
      state,
    });
    expect(new URL(redirect.headers.get("location") ?? "").searchParams.get("state")).toBe(state);
  });

  test("consents as the login_hint identity, else as the most recently added one", async () => {
    await using emu = await startGoogleEmulator();
    emu.addIdentity({ email: "a@x.com" });
    emu.addIdentity({ email: "b@y.com" });
    const emailOf = async (params: Record<string, string>) => {
      const redirect = await consent(emu, { code_challenge: "plain-challenge", ...params });
      const reply = await postForm(emu.tokenUrl, {
        grant_type: "authorization_code",
        code: new URL(redirect.headers.get("location") ?? "").searchParams.get("code") ?? "",
        redirect_uri: "http://127.0.0.1:5555/oauth-callback",
        code_verifier: "plain-challenge",
        client_id: emu.clientId,
        client_secret: emu.clientSecret,
      });
      const { access_token } = (await reply.json()) as { access_token: string };
      const info = await fetch(emu.userinfoUrl, { headers: { authorization: `Bearer ${access_token}` } });
      return ((await info.json()) as { email: string }).email;
    };
    expect(await emailOf({ login_hint: "a@x.com" })).toBe("a@x.com");
    expect(await emailOf({})).toBe("b@y.com");
  });

  test("refuses an authorization request without a code_challenge or from an unknown client", async () => {
    await using emu = await startGoogleEmulator();
    emu.addIdentity({ email: "a@x.com" });
    const noChallenge = await consent(emu, {});
    expect(noChallenge.status).toBe(400);
    expect(await noChallenge.text()).toContain("code_challenge");
    const unknownClient = await consent(emu, {
      code_challenge: "c",
      client_id: "other.apps.googleusercontent.com",
    });
    expect(unknownClient.status).toBe(400);
    expect(await unknownClient.text()).toContain("invalid_client");
  });

  test("redirects with error=access_denied when the user declines", async () => {
    await using emu = await startGoogleEmulator();
    emu.addIdentity({ email: "a@x.com" });
    emu.denyConsent(true);
    const redirect = await consent(emu, { code_challenge: "c", state: "s1" });
    const location = new URL(redirect.headers.get("location") ?? "");
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("s1");
    expect(location.searchParams.has("code")).toBe(false);
  });
});

describe("userinfo", () => {
  test("describes the identity behind an access token", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await accessTokenFor(
      emu,
      emu.addIdentity({ email: "a@x.com", name: "Ada Lovelace" }),
    );
    const reply = await fetch(emu.userinfoUrl, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      email: "a@x.com",
      verified_email: true,
      name: "Ada Lovelace",
      given_name: "Ada",
    });
    expect(String(body.id)).toMatch(/^\d{21}$/);
    expect(String(body.picture)).toStartWith("https://");
    expect(emu.calls.userinfo).toBe(1);
  });

  test("answers 401 UNAUTHENTICATED with a Bearer challenge for a bad token", async () => {
    await using emu = await startGoogleEmulator();
    const reply = await fetch(emu.userinfoUrl, { headers: { authorization: "Bearer ya29.emu-unknown" } });
    expect(reply.status).toBe(401);
    expect(reply.headers.get("www-authenticate")).toBe(
      'Bearer realm="https://accounts.google.com/", error="invalid_token"',
    );
    const body = (await reply.json()) as { error: { code: number; status: string; message: string } };
    expect(body.error.code).toBe(401);
    expect(body.error.status).toBe("UNAUTHENTICATED");
    expect(body.error.message).toStartWith("Request is missing required authentication credential.");
  });
});

describe("Gemini API stand-in", () => {
  test("answers generateContent naming the account and records the call", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await accessTokenFor(emu, emu.addIdentity({ email: "a@x.com" }));
    const reply = await generate(emu, accessToken, { "x-goog-user-project": "p1" });
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      candidates: [
        { content: { role: "model", parts: [{ text: "answered by a@x.com" }] }, finishReason: "STOP" },
      ],
      modelVersion: "gemini-2.5-flash",
    });
    const [recorded] = emu.upstreamRequests;
    expect(recorded).toMatchObject({
      method: "POST",
      path: `${MODEL_URL}:generateContent`,
      email: "a@x.com",
    });
    expect(recorded?.headers["x-goog-user-project"]).toBe("p1");
    expect(recorded?.body).toEqual({ contents: [{ role: "user", parts: [{ text: "hello" }] }] });
    expect(emu.calls.upstream).toBe(1);
  });

  test("answers 401 UNAUTHENTICATED after expireAccessTokens", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await accessTokenFor(emu, emu.addIdentity({ email: "a@x.com" }));
    emu.expireAccessTokens();
    const reply = await generate(emu, accessToken);
    expect(reply.status).toBe(401);
    const body = (await reply.json()) as { error: { status: string } };
    expect(body.error.status).toBe("UNAUTHENTICATED");
    expect(emu.upstreamRequests[0]?.email).toBe("a@x.com");
  });

  test("refuses a forwarded API key so a leaked client key fails loudly", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await accessTokenFor(emu, emu.addIdentity({ email: "a@x.com" }));
    const reply = await generate(emu, accessToken, { "x-goog-api-key": "client-key" });
    expect(reply.status).toBe(400);
    expect(emu.upstreamRequests[0]?.headers["x-goog-api-key"]).toBe("client-key");
  });

  test("answers 429 RESOURCE_EXHAUSTED with QuotaFailure, RetryInfo, ErrorInfo and Retry-After", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await accessTokenFor(emu, emu.addIdentity({ email: "a@x.com" }));
    emu.failUpstream(
      { kind: "resource_exhausted", retryDelaySeconds: 43, retryAfterHeader: 40, quotaResetDelay: "1m2.5s" },
      { times: 1 },
    );
    const reply = await generate(emu, accessToken);
    expect(reply.status).toBe(429);
    expect(reply.headers.get("retry-after")).toBe("40");
    const { error } = (await reply.json()) as { error: { code: number; status: string; details: unknown[] } };
    expect(error.code).toBe(429);
    expect(error.status).toBe("RESOURCE_EXHAUSTED");
    expect(error.details).toContainEqual({
      "@type": "type.googleapis.com/google.rpc.RetryInfo",
      retryDelay: "43s",
    });
    expect(error.details).toContainEqual(
      expect.objectContaining({
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        violations: [
          expect.objectContaining({ quotaDimensions: { location: "global", model: "gemini-2.5-flash" } }),
        ],
      }),
    );
    expect(error.details).toContainEqual(
      expect.objectContaining({
        reason: "RATE_LIMIT_EXCEEDED",
        metadata: expect.objectContaining({ quotaResetDelay: "1m2.5s" }),
      }),
    );
    expect((await generate(emu, accessToken)).status).toBe(200);
  });

  test("fails only the calls of the account a fault is aimed at", async () => {
    await using emu = await startGoogleEmulator();
    const a = await accessTokenFor(emu, emu.addIdentity({ email: "a@x.com" }));
    const b = await accessTokenFor(emu, emu.addIdentity({ email: "b@y.com" }));
    emu.failUpstream({ kind: "permission_denied" }, { forAccessTokenOf: "a@x.com" });
    const denied = await generate(emu, a);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({
      error: { code: 403, message: "The caller does not have permission", status: "PERMISSION_DENIED" },
    });
    expect((await generate(emu, b)).status).toBe(200);
    emu.clearUpstreamFaults();
    expect((await generate(emu, a)).status).toBe(200);
  });

  test("answers VALIDATION_REQUIRED with the validation URL in ErrorInfo metadata", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await accessTokenFor(emu, emu.addIdentity({ email: "a@x.com" }));
    const validationUrl = "https://accounts.google.com/signin/continue?emu=1";
    emu.failUpstream({ kind: "validation_required", validationUrl }, { times: 1 });
    const reply = await generate(emu, accessToken);
    expect(reply.status).toBe(403);
    const { error } = (await reply.json()) as { error: { status: string; details: unknown[] } };
    expect(error.status).toBe("PERMISSION_DENIED");
    expect(error.details).toContainEqual(
      expect.objectContaining({
        reason: "VALIDATION_REQUIRED",
        metadata: expect.objectContaining({ validation_url: validationUrl }),
      }),
    );
  });

  test("answers 503 UNAVAILABLE, and drops the connection for a reset", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await accessTokenFor(emu, emu.addIdentity({ email: "a@x.com" }));
    emu.failUpstream({ kind: "server_error" }, { times: 1 });
    emu.failUpstream({ kind: "reset" }, { times: 1 });
    const unavailable = await generate(emu, accessToken);
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toEqual({
      error: { code: 503, message: "The service is currently unavailable.", status: "UNAVAILABLE" },
    });
    await expect(generate(emu, accessToken)).rejects.toThrow();
    expect((await generate(emu, accessToken)).status).toBe(200);
  });

  test("streams SSE events one at a time as they are released", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await accessTokenFor(emu, emu.addIdentity({ email: "a@x.com" }));
    emu.setStreamChunks(["one", "two", "by {email}"]);
    const hold = emu.holdStream();
    const pending = fetch(`${emu.upstreamUrl}${MODEL_URL}:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    hold.releaseNext();
    const reply = await pending;
    expect(reply.headers.get("content-type")).toBe("text/event-stream");
    if (reply.body === null) throw new Error("no body");
    const next = sseReader(reply.body);
    expect(eventText(await next())).toBe("one");
    // The client holds event 1 while event 2 is still waiting inside the emulator.
    await waitFor(() => hold.waiting() === 1, { message: "event 2 to wait for its release" });
    hold.releaseNext();
    expect(eventText(await next())).toBe("two");
    hold.releaseAll();
    const last = await next();
    expect(eventText(last)).toBe("by a@x.com");
    expect(last).toContain('"finishReason":"STOP"');
    expect(await next()).toBeUndefined();
  });

  test("lists models and counts tokens", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await accessTokenFor(emu, emu.addIdentity({ email: "a@x.com" }));
    const headers = { authorization: `Bearer ${accessToken}` };
    const list = (await (await fetch(`${emu.upstreamUrl}/v1beta/models`, { headers })).json()) as {
      models: { name: string }[];
    };
    expect(list.models.map((m) => m.name)).toContain("models/gemini-2.5-flash");
    const count = await fetch(`${emu.upstreamUrl}${MODEL_URL}:countTokens`, {
      method: "POST",
      headers,
      body: JSON.stringify({ contents: [{ parts: [{ text: "12345678" }] }] }),
    });
    expect(((await count.json()) as { totalTokens: number }).totalTokens).toBe(2);
  });
});

describe("Cloud Code Assist stand-in", () => {
  test("loads the identity's project and wraps replies in {response}", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await accessTokenFor(emu, emu.addIdentity({ email: "a@x.com", projectId: "proj-a" }));
    const post = (path: string, body: unknown) =>
      fetch(`${emu.upstreamUrl}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const load = (await (await post("/v1internal:loadCodeAssist", { metadata: {} })).json()) as Record<
      string,
      unknown
    >;
    expect(load).toMatchObject({ currentTier: { id: "free-tier" }, cloudaicompanionProject: "proj-a" });
    const request = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };
    const reply = await post("/v1internal:generateContent", {
      model: "gemini-2.5-pro",
      project: "proj-a",
      request,
    });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toMatchObject({
      response: { candidates: [{ content: { parts: [{ text: "answered by a@x.com" }] } }] },
    });
    const foreign = await post("/v1internal:generateContent", {
      model: "gemini-2.5-pro",
      project: "proj-b",
      request,
    });
    expect(foreign.status).toBe(403);
    const stream = await post("/v1internal:streamGenerateContent?alt=sse", {
      model: "gemini-2.5-pro",
      request,
    });
    if (stream.body === null) throw new Error("no body");
    const first = (await sseReader(stream.body)())?.replace(/^data: /, "") ?? "";
    expect(JSON.parse(first)).toMatchObject({
      response: { candidates: [{ content: { parts: [{ text: "answered " }] } }] },
    });
  });

  test("answers Cloud Code's QUOTA_EXHAUSTED with quotaResetDelay", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await accessTokenFor(emu, emu.addIdentity({ email: "a@x.com" }));
    emu.failUpstream({ kind: "resource_exhausted", quotaResetDelay: "2h5m9.25s", reason: "QUOTA_EXHAUSTED" });
    const reply = await fetch(`${emu.upstreamUrl}/v1internal:generateContent`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ model: "gemini-2.5-pro", request: { contents: [] } }),
    });
    expect(reply.status).toBe(429);
    const { error } = (await reply.json()) as {
      error: { message: string; details: Record<string, unknown>[] };
    };
    expect(error.message).toContain("2h5m9.25s");
    expect(error.details[0]).toMatchObject({
      reason: "QUOTA_EXHAUSTED",
      domain: "cloudcode-pa.googleapis.com",
      metadata: { model: "gemini-2.5-pro", quotaResetDelay: "2h5m9.25s" },
    });
  });
});

describe("Cloud Code Assist quota (fetchAvailableModels)", () => {
  const QUOTA_MODELS = [
    "gemini-3-pro-high",
    "gemini-3-pro-low",
    "gemini-3-flash",
    "gemini-3.1-flash-image",
    "claude-sonnet-4-5",
    "claude-sonnet-4-5-thinking",
    "claude-opus-4-5-thinking",
  ];
  const HOUR_MS = 60 * 60 * 1000;

  interface QuotaReply {
    models: Record<
      string,
      { displayName: string; quotaInfo?: { remainingFraction?: number; resetTime: string } }
    >;
  }

  /** An identity with its own project "proj-a" and a valid access token. */
  async function quotaIdentity(emu: GoogleEmulator, email = "a@x.com"): Promise<string> {
    return accessTokenFor(emu, emu.addIdentity({ email, projectId: "proj-a" }));
  }

  function fetchQuota(
    emu: GoogleEmulator,
    accessToken: string | undefined,
    body: unknown = { project: "proj-a" },
  ) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (accessToken !== undefined) headers.authorization = `Bearer ${accessToken}`;
    return fetch(`${emu.upstreamUrl}/v1internal:fetchAvailableModels`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
  }

  async function quotaOf(emu: GoogleEmulator, accessToken: string): Promise<QuotaReply["models"]> {
    const reply = await fetchQuota(emu, accessToken);
    expect(reply.status).toBe(200);
    return ((await reply.json()) as QuotaReply).models;
  }

  test("lists every quota model full with a reset time about 5 h ahead, and chat_20706 without quotaInfo", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await quotaIdentity(emu);
    const before = Date.now();
    const reply = await fetchQuota(emu, accessToken);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("application/json; charset=UTF-8");
    const { models } = (await reply.json()) as QuotaReply;
    expect(Object.keys(models)).toEqual([...QUOTA_MODELS, "chat_20706"]);
    for (const id of QUOTA_MODELS) {
      const quota = models[id]?.quotaInfo;
      expect(quota?.remainingFraction).toBe(1);
      expect(quota?.resetTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const resetAt = Date.parse(quota?.resetTime ?? "");
      expect(resetAt).toBeGreaterThan(before + 5 * HOUR_MS - 2000);
      expect(resetAt).toBeLessThan(Date.now() + 5 * HOUR_MS + 1000);
    }
    expect(models.chat_20706).toEqual({ displayName: "chat_20706" });
    expect(models["gemini-3-flash"]?.displayName).toBe("Gemini 3 Flash");
    // The window stays put between calls, as a real one does.
    expect((await quotaOf(emu, accessToken))["gemini-3-flash"]).toEqual(models["gemini-3-flash"]);
  });

  test("reports the fraction and reset time setQuota gave one model of one identity", async () => {
    await using emu = await startGoogleEmulator();
    const a = await quotaIdentity(emu, "a@x.com");
    const b = await quotaIdentity(emu, "b@y.com");
    emu.setQuota("a@x.com", "claude-opus-4-5-thinking", {
      remainingFraction: 0.05,
      resetTime: new Date("2026-12-03T18:00:00.250Z"),
    });
    const models = await quotaOf(emu, a);
    expect(models["claude-opus-4-5-thinking"]?.quotaInfo).toEqual({
      remainingFraction: 0.05,
      resetTime: "2026-12-03T18:00:00Z",
    });
    expect(models["claude-sonnet-4-5"]?.quotaInfo?.remainingFraction).toBe(1);
    expect((await quotaOf(emu, b))["claude-opus-4-5-thinking"]?.quotaInfo?.remainingFraction).toBe(1);
  });

  test("omits remainingFraction of a used-up model but keeps its resetTime, as proto3 JSON does", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await quotaIdentity(emu);
    emu.setQuota("a@x.com", "gemini-3-pro-high", { remainingFraction: 0 });
    const models = await quotaOf(emu, accessToken);
    const quota = models["gemini-3-pro-high"]?.quotaInfo;
    expect(quota).toBeDefined();
    expect(Object.keys(quota ?? {})).toEqual(["resetTime"]);
    expect(quota?.resetTime).toBe(models["gemini-3-pro-low"]?.quotaInfo?.resetTime ?? "none");
  });

  test("lowerQuota sets every quota model, and resetQuota brings them back to full in a fresh window", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await quotaIdentity(emu);
    emu.lowerQuota("a@x.com", 0.25);
    emu.setQuota("a@x.com", "gemini-3-flash", {
      remainingFraction: 0,
      resetTime: new Date("2020-01-01T00:00:00Z"),
    });
    const lowered = await quotaOf(emu, accessToken);
    expect(QUOTA_MODELS.map((id) => lowered[id]?.quotaInfo?.remainingFraction)).toEqual([
      0.25,
      0.25,
      undefined,
      0.25,
      0.25,
      0.25,
      0.25,
    ]);
    expect(lowered.chat_20706?.quotaInfo).toBeUndefined();
    emu.resetQuota("a@x.com");
    const reset = await quotaOf(emu, accessToken);
    expect(QUOTA_MODELS.every((id) => reset[id]?.quotaInfo?.remainingFraction === 1)).toBe(true);
    expect(Date.parse(reset["gemini-3-flash"]?.quotaInfo?.resetTime ?? "")).toBeGreaterThan(Date.now());
  });

  test("refuses quota switches for an unknown identity, a model without quota, or a fraction outside 0..1", async () => {
    await using emu = await startGoogleEmulator();
    emu.addIdentity({ email: "a@x.com" });
    expect(() => emu.setQuota("nobody@x.com", "gemini-3-flash", { remainingFraction: 0.5 })).toThrow(
      'no identity "nobody@x.com"',
    );
    expect(() => emu.setQuota("a@x.com", "chat_20706", { remainingFraction: 0.5 })).toThrow(
      'no quota model "chat_20706"',
    );
    expect(() => emu.lowerQuota("a@x.com", 1.5)).toThrow("remainingFraction must be 0 to 1");
    expect(() => emu.resetQuota("nobody@x.com")).toThrow('no identity "nobody@x.com"');
  });

  test("answers 401 UNAUTHENTICATED without a token or with an expired one, and counts neither", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await quotaIdentity(emu);
    const missing = await fetchQuota(emu, undefined);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { status: string } }).error.status).toBe("UNAUTHENTICATED");
    emu.expireAccessTokens();
    expect((await fetchQuota(emu, accessToken)).status).toBe(401);
    expect(emu.quotaCallsFor("a@x.com")).toBe(0);
  });

  test("refuses a foreign or missing project with 403 PERMISSION_DENIED for an identity with its own project", async () => {
    await using emu = await startGoogleEmulator();
    const own = await quotaIdentity(emu);
    const foreign = await fetchQuota(emu, own, { project: "proj-b" });
    expect(foreign.status).toBe(403);
    const { error } = (await foreign.json()) as { error: { status: string; message: string } };
    expect(error.status).toBe("PERMISSION_DENIED");
    expect(error.message).toContain("projects/proj-b/");
    expect((await fetchQuota(emu, own, {})).status).toBe(403);
    const anyProject = await accessTokenFor(emu, emu.addIdentity({ email: "c@z.com" }));
    expect((await fetchQuota(emu, anyProject, {})).status).toBe(200);
  });

  test("answers injected upstream faults on this route, then the quota again", async () => {
    await using emu = await startGoogleEmulator();
    const accessToken = await quotaIdentity(emu);
    emu.failUpstream({ kind: "resource_exhausted", retryDelaySeconds: 7 }, { times: 1 });
    emu.failUpstream({ kind: "permission_denied" }, { times: 1 });
    emu.failUpstream({ kind: "server_error", status: 500 }, { times: 1 });
    const exhausted = await fetchQuota(emu, accessToken);
    expect(exhausted.status).toBe(429);
    const { error } = (await exhausted.json()) as { error: { status: string; details: unknown[] } };
    expect(error.status).toBe("RESOURCE_EXHAUSTED");
    expect(error.details).toEqual([
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "7s" },
    ]);
    expect((await fetchQuota(emu, accessToken)).status).toBe(403);
    const internal = await fetchQuota(emu, accessToken);
    expect(internal.status).toBe(500);
    expect(((await internal.json()) as { error: { status: string } }).error.status).toBe("INTERNAL");
    expect((await fetchQuota(emu, accessToken)).status).toBe(200);
  });

  test("quotaCallsFor counts each identity's authenticated calls, faulted ones too, and no other route", async () => {
    await using emu = await startGoogleEmulator();
    const a = await quotaIdentity(emu, "a@x.com");
    const b = await quotaIdentity(emu, "b@y.com");
    emu.failUpstream({ kind: "server_error" }, { times: 1, forAccessTokenOf: "a@x.com" });
    expect((await fetchQuota(emu, a)).status).toBe(503);
    expect((await fetchQuota(emu, a)).status).toBe(200);
    expect((await fetchQuota(emu, b)).status).toBe(200);
    expect((await generate(emu, a)).status).toBe(200);
    expect(emu.quotaCallsFor("a@x.com")).toBe(2);
    expect(emu.quotaCallsFor("A@X.com")).toBe(2);
    expect(emu.quotaCallsFor("b@y.com")).toBe(1);
    expect(emu.quotaCallsFor("never@x.com")).toBe(0);
  });
});
