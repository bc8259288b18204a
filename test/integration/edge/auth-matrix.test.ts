/**
 * The authorization matrix of issue 10: over every route and every auth mode, requests that carry
 * no valid credential for that route — sent with odd Hosts, absolute-form targets, encoded and
 * doubled slashes, dot segments, other cases and methods, and keys in every place — are never
 * served, never answered with a 5xx, and never reach Google or the store. Positive controls show
 * that each route does serve its rightful caller, so the matrix cannot pass by refusing everything.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AuthMode } from "../../../src/proxy/client-auth.ts";
import { type AppFixture, HELLO, startAppFixture } from "../../support/app-fixture.ts";
import { type ListeningApp, listen } from "../../support/listening-app.ts";
import { rawRequest, requestText } from "../../support/raw-http.ts";

const CLIENT_KEY = "client-key-matrix-0123456789";
const ADMIN_KEY = "admin-key-matrix-0123456789";
const ACCOUNT = "ada@example.com";

type Access = "probe" | "client" | "admin";
interface Route {
  readonly method: string;
  readonly path: string;
  readonly access: Access;
  readonly body?: string;
  /** Headers the route's clients always send (they choose the reply's shape, never access). */
  readonly headers?: Record<string, string>;
}

const GEMINI_BODY = JSON.stringify(HELLO);
const MESSAGES_BODY = JSON.stringify({
  model: "claude-sonnet-4-5",
  max_tokens: 16,
  messages: [{ role: "user", content: "hello" }],
});
const CHAT_BODY = JSON.stringify({ model: "gpt-4.1", messages: [{ role: "user", content: "hello" }] });
const RESPONSES_BODY = JSON.stringify({ model: "gpt-5", input: "hello" });
const ROUTES: readonly Route[] = [
  { method: "GET", path: "/healthz", access: "probe" },
  { method: "GET", path: "/readyz", access: "probe" },
  { method: "GET", path: "/metrics", access: "probe" },
  { method: "GET", path: "/", access: "probe" },
  { method: "GET", path: "/v1beta/models", access: "client" },
  {
    method: "POST",
    path: "/v1beta/models/gemini-2.5-flash:generateContent",
    access: "client",
    body: GEMINI_BODY,
  },
  {
    method: "POST",
    path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    access: "client",
    body: GEMINI_BODY,
  },
  {
    method: "POST",
    path: "/v1beta/models/gemini-2.5-flash:countTokens",
    access: "client",
    body: GEMINI_BODY,
  },
  { method: "POST", path: "/v1/messages", access: "client", body: MESSAGES_BODY },
  { method: "POST", path: "/v1/messages?beta=true", access: "client", body: MESSAGES_BODY },
  { method: "POST", path: "/v1/messages/count_tokens", access: "client", body: MESSAGES_BODY },
  { method: "GET", path: "/v1/models", access: "client", headers: { "anthropic-version": "2023-06-01" } },
  { method: "POST", path: "/v1/chat/completions", access: "client", body: CHAT_BODY },
  { method: "POST", path: "/v1/responses", access: "client", body: RESPONSES_BODY },
  // Codex's WebSocket attempt: refused (426) for its rightful caller too, never served.
  {
    method: "GET",
    path: "/v1/responses",
    access: "client",
    headers: { upgrade: "websocket", connection: "Upgrade" },
  },
  { method: "GET", path: "/admin/accounts", access: "admin" },
  { method: "POST", path: "/admin/accounts", access: "admin", body: '{"refresh_token":"1//not-a-token"}' },
  { method: "POST", path: `/admin/accounts/${ACCOUNT}/disable`, access: "admin", body: "{}" },
  { method: "POST", path: `/admin/accounts/${ACCOUNT}/enable`, access: "admin", body: "{}" },
  { method: "DELETE", path: `/admin/accounts/${ACCOUNT}`, access: "admin" },
  { method: "POST", path: "/admin/reload", access: "admin" },
  { method: "GET", path: "/admin/pool", access: "admin" },
  { method: "GET", path: "/admin/openapi.json", access: "admin" },
];

/** Ways to write (nearly) the same target; each resolves to the route itself or to no route. */
const TARGET_FORMS: ReadonlyArray<readonly [string, (path: string) => string]> = [
  ["as is", (path) => path],
  ["absolute-form", (path) => `http://evil.example${path}`],
  ["absolute-form https", (path) => `https://localhost${path}`],
  ["under /admin (the reported bypass)", (path) => `/admin${path}`],
  ["doubled leading slash", (path) => `/${path}`],
  ["doubled inner slashes", (path) => path.replaceAll("/", "//")],
  ["dot segment", (path) => `/./${path.slice(1)}`],
  ["dot-dot segment", (path) => `/x/..${path}`],
  ["encoded dot-dot", (path) => `/x/%2e%2e${path}`],
  ["encoded slashes", (path) => `/${path.slice(1).replaceAll("/", "%2F")}`],
  ["encoded first letter", (path) => `/%${path.charCodeAt(1).toString(16)}${path.slice(2)}`],
  ["upper case", (path) => path.toUpperCase()],
  ["trailing slash", (path) => (path.includes("?") ? path.replace("?", "/?") : `${path}/`)],
  ["fragment", (path) => `${path}#frag`],
  ["backslash", (path) => path.replaceAll("/", "\\")],
];

const ODD_HOSTS = [
  "a",
  "ab",
  "abc",
  "",
  "[::1",
  "x/y",
  "x?y",
  "127.0.0.1:99999",
  "é",
  "evil.example",
  "[::1]:1",
];

/** Credentials that are never valid for the route they are sent to (cross keys included). */
function wrongCredentials(route: Route): ReadonlyArray<readonly [string, Record<string, string>, string]> {
  const wrong = "wrong-key-0123456789";
  const cases: Array<readonly [string, Record<string, string>, string]> = [
    ["no key", {}, ""],
    ["wrong bearer", { authorization: `Bearer ${wrong}` }, ""],
    ["wrong x-api-key", { "x-api-key": wrong }, ""],
    ["wrong x-goog-api-key", { "x-goog-api-key": wrong }, ""],
    ["wrong ?key=", {}, `key=${wrong}`],
    [
      "basic scheme with the key",
      { authorization: `Basic ${route.access === "admin" ? ADMIN_KEY : CLIENT_KEY}` },
      "",
    ],
    ["empty bearer", { authorization: "Bearer " }, ""],
  ];
  if (route.access === "admin") {
    cases.push(
      ["client key as bearer", { authorization: `Bearer ${CLIENT_KEY}` }, ""],
      ["admin key in ?key=", {}, `key=${ADMIN_KEY}`],
      ["admin key in x-goog-api-key", { "x-goog-api-key": ADMIN_KEY }, ""],
    );
  } else {
    cases.push(["admin key as bearer", { authorization: `Bearer ${ADMIN_KEY}` }, ""]);
  }
  return cases;
}

function withQuery(target: string, query: string): string {
  if (query === "") return target;
  return target.includes("?") ? `${target}&${query}` : `${target}?${query}`;
}

interface Mode {
  readonly name: string;
  readonly authMode: AuthMode;
  readonly host: string;
  readonly adminKey: string | null;
  /** Whether the probes and the client routes are open under this mode. */
  readonly open: ReadonlySet<Access>;
}

const MODES: readonly Mode[] = [
  { name: "strict", authMode: "strict", host: "127.0.0.1", adminKey: ADMIN_KEY, open: new Set() },
  {
    name: "all_except_health",
    authMode: "all_except_health",
    host: "127.0.0.1",
    adminKey: ADMIN_KEY,
    open: new Set(["probe"]),
  },
  {
    name: "auto on 0.0.0.0",
    authMode: "auto",
    host: "0.0.0.0",
    adminKey: ADMIN_KEY,
    open: new Set(["probe"]),
  },
  {
    name: "off",
    authMode: "off",
    host: "127.0.0.1",
    adminKey: ADMIN_KEY,
    open: new Set(["probe", "client"]),
  },
  {
    name: "off, admin key unset",
    authMode: "off",
    host: "127.0.0.1",
    adminKey: null,
    open: new Set(["probe", "client"]),
  },
];

/** What an admin write would change (ids, states; token changes by a fingerprint, never the token). */
async function storeState(fixture: AppFixture): Promise<string[]> {
  const accounts = await fixture.store.list();
  return accounts.map((account) =>
    [
      account.id,
      account.email,
      account.disabled,
      account.proxyDisabled,
      Bun.hash(account.token.refreshToken).toString(36),
    ].join(" "),
  );
}

interface Served {
  readonly fixture: AppFixture;
  readonly server: ListeningApp;
  readonly storeBefore: string[];
}

async function serveMode(mode: Mode): Promise<Served> {
  const fixture = await startAppFixture({
    emails: [ACCOUNT, "bea@example.com"],
    authMode: mode.authMode,
    host: mode.host,
    apiKeys: [CLIENT_KEY],
    adminKey: mode.adminKey,
  });
  return {
    fixture,
    server: listen(fixture.handle),
    storeBefore: await storeState(fixture),
  };
}

for (const mode of MODES) {
  describe(`auth matrix, ${mode.name}`, () => {
    let served: Served;
    beforeAll(async () => {
      served = await serveMode(mode);
    });
    afterAll(async () => {
      await served.server[Symbol.asyncDispose]();
      await served.fixture[Symbol.asyncDispose]();
    });

    const check = async (route: Route, what: string, text: string): Promise<string | undefined> => {
      const reply = await rawRequest(served.server.port, text);
      if (reply.status === 0 || reply.status >= 500) return `${what}: status ${reply.status}`;
      if (!mode.open.has(route.access) && reply.status >= 200 && reply.status < 300) {
        return `${what}: served without a valid key (${reply.status})`;
      }
      if (reply.body.includes("<html") || reply.body.includes("<!doctype")) return `${what}: HTML error page`;
      return undefined;
    };

    test("no target form or Host gets a protected route served without a key, and none gets a 5xx", async () => {
      const problems: string[] = [];
      const hosts = [`localhost:${served.server.port}`, ...ODD_HOSTS];
      for (const route of ROUTES) {
        for (const [form, rewrite] of TARGET_FORMS) {
          for (const host of hosts) {
            const headers = { Host: host, "content-type": "application/json", ...route.headers };
            const text = requestText(route.method, rewrite(route.path), headers, route.body ?? "");
            const problem = await check(route, `${route.method} ${route.path} ${form}, Host "${host}"`, text);
            if (problem !== undefined) problems.push(problem);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    test("no wrong, cross or misplaced key and no other method gets a protected route served", async () => {
      const problems: string[] = [];
      for (const route of ROUTES) {
        const methods = new Set([
          route.method,
          "HEAD",
          "OPTIONS",
          "GET",
          "POST",
          "PUT",
          "PATCH",
          "DELETE",
          "TRACE",
        ]);
        for (const [name, headers, query] of wrongCredentials(route)) {
          for (const method of methods) {
            const text = requestText(
              method,
              withQuery(route.path, query),
              { Host: `localhost:${served.server.port}`, ...route.headers, ...headers },
              method === "GET" || method === "HEAD" ? "" : (route.body ?? ""),
            );
            const problem = await check(route, `${method} ${route.path} with ${name}`, text);
            if (problem !== undefined) problems.push(problem);
          }
        }
        const connect = requestText("CONNECT", `localhost:${served.server.port}`, {
          Host: `localhost:${served.server.port}`,
        });
        const refused = await rawRequest(served.server.port, connect);
        if (refused.status !== 400) problems.push(`CONNECT: status ${refused.status}`);
      }
      expect(problems).toEqual([]);
    });

    test("nothing unauthenticated reached Google or changed the store", async () => {
      const { fixture } = served;
      const openClientRoutes = mode.open.has("client");
      if (!openClientRoutes) expect(fixture.google.calls.upstream).toBe(0);
      if (!openClientRoutes) expect(fixture.google.calls.refresh).toBe(0);
      expect(await storeState(fixture)).toEqual(served.storeBefore);
      expect(served.server.unexpectedErrors).toEqual([]);
    });

    test("each route serves its rightful caller (the control that keeps the matrix honest)", async () => {
      const statuses: string[] = [];
      for (const route of ROUTES.filter((r) => r.method !== "DELETE" && !r.path.endsWith("/disable"))) {
        const key = route.access === "admin" ? ADMIN_KEY : CLIENT_KEY;
        const text = requestText(
          route.method,
          route.path,
          {
            Host: `localhost:${served.server.port}`,
            authorization: `Bearer ${key}`,
            "content-type": "application/json",
            ...route.headers,
          },
          route.body ?? "",
        );
        const reply = await rawRequest(served.server.port, text);
        statuses.push(`${route.method} ${route.path} ${reply.status}`);
      }
      const expected = ROUTES.filter((r) => r.method !== "DELETE" && !r.path.endsWith("/disable")).map(
        (route) => {
          const path = `${route.method} ${route.path}`;
          if (route.access === "admin" && mode.adminKey === null) return `${path} 403`;
          if (route.path === "/metrics") return `${path} 404`; // no metrics in this fixture
          if (path === "GET /v1/responses") return `${path} 426`; // HTTP only: Codex falls back
          if (route.path === "/admin/accounts" && route.method === "POST") return `${path} 422`; // a token Google refuses
          return `${path} 200`;
        },
      );
      expect(statuses).toEqual(expected);
    });
  });
}
