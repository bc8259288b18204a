/**
 * The Google emulator's reply shapes: the OAuth endpoints' `{error, error_description}` bodies,
 * Google APIs' `{"error":{code,message,status,details}}` bodies, the front end's HTML error
 * pages, and the connection reset. Headers follow what Google sends, so clients that look at
 * content types and Retry-After see the real thing.
 */

/** Headers on Google API (ESF) replies. */
const API_HEADERS = {
  "content-type": "application/json; charset=UTF-8",
  vary: "Origin, X-Origin, Referer",
  server: "ESF",
  "x-xss-protection": "0",
  "x-frame-options": "SAMEORIGIN",
  "x-content-type-options": "nosniff",
};

/** Headers on oauth2.googleapis.com/token replies. */
const OAUTH_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-cache, no-store, max-age=0, must-revalidate",
  pragma: "no-cache",
  expires: "Mon, 01 Jan 1990 00:00:00 GMT",
  server: "scaffolding on HTTPServer2",
  "x-content-type-options": "nosniff",
};

export function apiJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body, null, 2), { status, headers: { ...API_HEADERS, ...headers } });
}

export function oauthJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body, null, 2), { status, headers: { ...OAUTH_HEADERS, ...headers } });
}

export function oauthError(status: number, error: string, description: string): Response {
  return oauthJson(status, { error, error_description: description });
}

/** A google.rpc.Status error as Google's JSON APIs send it. */
export function rpcError(
  code: number,
  status: string,
  message: string,
  details?: unknown[],
  headers: Record<string, string> = {},
): Response {
  const error = details === undefined ? { code, message, status } : { code, message, status, details };
  return apiJson(code, { error }, headers);
}

const REASON_PHRASES: Record<number, string> = {
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  500: "Server Error",
  502: "Server Error",
  503: "Service Unavailable",
};

/** The HTML page Google's front end serves when no JSON API answers (404, 502, 503 …). */
export function frontEndPage(status: number, detail: string): Response {
  const phrase = REASON_PHRASES[status] ?? "Error";
  const html = [
    "<!DOCTYPE html>",
    '<html lang=en><meta charset=utf-8><meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">',
    `<title>Error ${status} (${phrase})!!1</title>`,
    `<a href=//www.google.com/><span id=logo aria-label=Google></span></a>`,
    `<p><b>${status}.</b> <ins>That’s an error.</ins>`,
    `<p>${detail} <ins>That’s all we know.</ins>`,
  ].join("\n");
  return new Response(html, { status, headers: { "content-type": "text/html; charset=UTF-8" } });
}

/**
 * Closes the connection without a status line: a body stream that fails before its first
 * byte makes Bun drop the socket. Erroring with no reason keeps Bun from logging it.
 */
export function connectionReset(): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.error();
    },
  });
  return new Response(body);
}

const AUTH_HELP = "See https://developers.google.com/identity/sign-in/web/devconsole-project.";

/**
 * 401 for a missing, unknown or expired access token. Google APIs (`service` given) tell a
 * missing credential from a bad one and add an ErrorInfo; the userinfo endpoint answers the
 * "missing" text without details either way.
 */
export function unauthenticated(tokenGiven: boolean, service?: string): Response {
  const expected = `Expected OAuth 2 access token, login cookie or other valid authentication credential. ${AUTH_HELP}`;
  const invalid = tokenGiven && service !== undefined;
  const message = invalid
    ? `Request had invalid authentication credentials. ${expected}`
    : `Request is missing required authentication credential. ${expected}`;
  const challenge = tokenGiven
    ? 'Bearer realm="https://accounts.google.com/", error="invalid_token"'
    : 'Bearer realm="https://accounts.google.com/"';
  const headers = { "www-authenticate": challenge };
  if (service === undefined) return rpcError(401, "UNAUTHENTICATED", message, undefined, headers);
  const details = [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: invalid ? "ACCESS_TOKEN_EXPIRED" : "CREDENTIALS_MISSING",
      domain: "googleapis.com",
      metadata: { service },
    },
  ];
  return rpcError(401, "UNAUTHENTICATED", message, details, headers);
}

/** 400 of a Google API when a request carries an API key the project does not know. */
export function apiKeyInvalid(service: string): Response {
  return rpcError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "API_KEY_INVALID",
      domain: "googleapis.com",
      metadata: { service },
    },
    {
      "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
      locale: "en-US",
      message: "API key not valid. Please pass a valid API key.",
    },
  ]);
}

export function invalidArgument(message: string): Response {
  return rpcError(400, "INVALID_ARGUMENT", message);
}
