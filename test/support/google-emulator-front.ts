/**
 * The standalone Google emulator's front door (google-emulator-main.ts): one server on a port a
 * person can remember (8046 in the README's tour) that passes every Google route on to the
 * emulator unchanged, and answers the control routes a shell needs, under /emulator/:
 *
 *   GET  /emulator/env                        the `export GRANTPOOL_…=…` lines that point grantpool here
 *   POST /emulator/tokens?email=a@x.com       a new refresh token for that identity (created if new)
 *   POST /emulator/revoke?email=a@x.com       revokes every refresh token it issued to a@x.com
 *   POST /emulator/revoke?token=1//emu-…      revokes that one refresh token
 *
 * Revoking also expires every access token, as an hour passing would: the emulator can expire
 * access tokens only all at once, and grantpool notices a dead refresh token only when it needs a
 * new access token. The other accounts refresh once and carry on.
 */
import type { GoogleEmulator } from "./google-emulator-types.ts";

export interface EmulatorFront {
  readonly url: string;
  readonly port: number;
  /** The export lines for a shell (also served at GET /emulator/env). */
  exportLines(): string;
  /** A new refresh token for `email`, remembered so that revoking the email revokes it. */
  mintToken(email: string): string;
  close(): Promise<void>;
}

const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** Quotes a value for a POSIX shell when it holds anything but plain characters. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

function text(status: number, body: string): Response {
  return new Response(`${body}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** The `email` claim of an id_token (the emulator's are unsigned stand-ins; only the claims matter). */
function emailOfIdToken(idToken: unknown): string | undefined {
  if (typeof idToken !== "string") return undefined;
  try {
    const payload = idToken.split(".")[1] ?? "";
    const claims = JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/"))) as { email?: unknown };
    return typeof claims.email === "string" ? claims.email : undefined;
  } catch {
    return undefined;
  }
}

class Front implements EmulatorFront {
  readonly url: string;
  readonly port: number;
  readonly #emulator: GoogleEmulator;
  readonly #issued = new Map<string, Set<string>>();
  readonly #server: ReturnType<typeof Bun.serve>;

  constructor(emulator: GoogleEmulator, port: number, hostname: string) {
    this.#emulator = emulator;
    this.#server = Bun.serve({
      hostname,
      port,
      idleTimeout: 0,
      // No `development: false`: with it Bun 1.4.4 ignores a taken port instead of throwing.
      fetch: (request) => this.#route(request),
      error: (error) => text(502, `Google emulator front: ${error.message}`),
    });
    this.port = this.#server.port ?? port;
    this.url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${this.port}`;
  }

  exportLines(): string {
    const here = (url: string) => url.replace(this.#emulator.url, this.url);
    const env = {
      GRANTPOOL_OAUTH_TOKEN_URL: here(this.#emulator.tokenUrl),
      GRANTPOOL_OAUTH_USERINFO_URL: here(this.#emulator.userinfoUrl),
      GRANTPOOL_OAUTH_AUTH_URL: here(this.#emulator.authUrl),
      GRANTPOOL_OAUTH_CLIENT_ID: this.#emulator.clientId,
      GRANTPOOL_OAUTH_CLIENT_SECRET: this.#emulator.clientSecret,
      GRANTPOOL_UPSTREAM_URL: here(this.#emulator.upstreamUrl),
    };
    return Object.entries(env)
      .map(([name, value]) => `export ${name}=${shellWord(value)}`)
      .join("\n");
  }

  mintToken(email: string): string {
    const token = this.#emulator.addIdentity({ email });
    this.#remember(email, token);
    return token;
  }

  close(): Promise<void> {
    return this.#server.stop(true);
  }

  #remember(email: string, token: string): void {
    const key = email.toLowerCase();
    const tokens = this.#issued.get(key) ?? new Set<string>();
    tokens.add(token);
    this.#issued.set(key, tokens);
  }

  async #route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (!url.pathname.startsWith("/emulator/")) return this.#forward(request, url);
    const params = new URLSearchParams(url.search);
    if (request.method === "POST") {
      for (const [name, value] of new URLSearchParams(await request.text())) params.set(name, value);
    }
    const route = `${request.method} ${url.pathname}`;
    if (route === "GET /emulator/env") return text(200, this.exportLines());
    if (route === "POST /emulator/tokens") return this.#tokens(params.get("email") ?? "");
    if (route === "POST /emulator/revoke") return this.#revoke(params);
    return text(404, `No route ${route}; see test/support/google-emulator-front.ts`);
  }

  #tokens(email: string): Response {
    if (!EMAIL.test(email)) return text(400, `email=${JSON.stringify(email)} is not an email address`);
    return text(200, this.mintToken(email));
  }

  #revoke(params: URLSearchParams): Response {
    const token = params.get("token");
    const email = params.get("email");
    const tokens = token !== null ? [token] : [...(this.#issued.get((email ?? "").toLowerCase()) ?? [])];
    if (tokens.length === 0) {
      return text(404, `No refresh token of ${JSON.stringify(email ?? "")} was issued by this emulator`);
    }
    for (const each of tokens) this.#emulator.revoke(each);
    this.#emulator.expireAccessTokens();
    const whose = token !== null ? "the refresh token" : `${tokens.length} refresh token(s) of ${email}`;
    return text(200, `Revoked ${whose}; every access token expired, as an hour passing would`);
  }

  /** Passes a Google route on unchanged; token replies are read to remember whose tokens they carry. */
  async #forward(request: Request, url: URL): Promise<Response> {
    const headers = new Headers(request.headers);
    headers.delete("host");
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    const reply = await fetch(`${this.#emulator.url}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      ...(hasBody ? { body: await request.arrayBuffer() } : {}),
      redirect: "manual",
      signal: request.signal,
    });
    if (url.pathname !== "/token" || reply.status !== 200) return reply;
    const body = await reply.text();
    try {
      const grant = JSON.parse(body) as { refresh_token?: unknown; id_token?: unknown };
      const email = emailOfIdToken(grant.id_token);
      if (typeof grant.refresh_token === "string" && email !== undefined)
        this.#remember(email, grant.refresh_token);
    } catch {
      // Not JSON: nothing to remember.
    }
    return new Response(body, { status: reply.status, headers: reply.headers });
  }
}

/**
 * Serves the front door on `hostname` (default 127.0.0.1; the kube node tests serve pods from
 * inside the node's network namespace on 0.0.0.0) and `port` (0: any free port); throws when the
 * port is taken.
 */
export function startEmulatorFront(
  emulator: GoogleEmulator,
  port: number,
  hostname = "127.0.0.1",
): EmulatorFront {
  return new Front(emulator, port, hostname);
}
