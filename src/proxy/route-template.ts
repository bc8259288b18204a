/**
 * The route template of a request, for span names and the `http.route` label: a small fixed set,
 * so metrics stay low-cardinality and no model name, account id or email becomes a label.
 */
const EXACT = new Set([
  "GET /",
  "HEAD /",
  "GET /healthz",
  "GET /readyz",
  "GET /metrics",
  "GET /v1beta/models",
  "GET /v1/models",
  "POST /v1/messages",
  "POST /v1/messages/count_tokens",
  "GET /admin/accounts",
  "POST /admin/accounts",
  "POST /admin/reload",
  "GET /admin/pool",
  "GET /admin/openapi.json",
]);

const GEMINI_ACTION = /^\/v1beta\/models\/[^/]+:(generateContent|streamGenerateContent|countTokens)$/;
const ADMIN_ACCOUNT = /^\/admin\/accounts\/[^/]+(\/enable|\/disable)?$/;

export function routeTemplate(method: string, path: string): string | undefined {
  if (EXACT.has(`${method} ${path}`)) return path;
  const action = GEMINI_ACTION.exec(path)?.[1];
  if (method === "POST" && action !== undefined) return `/v1beta/models/{model}:${action}`;
  const admin = ADMIN_ACCOUNT.exec(path);
  if (admin !== null) {
    const verb = admin[1];
    if (verb !== undefined && method === "POST") return `/admin/accounts/{id}${verb}`;
    if (verb === undefined && method === "DELETE") return "/admin/accounts/{id}";
  }
  return undefined;
}
