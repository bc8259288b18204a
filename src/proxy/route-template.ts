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

const GEMINI_ACTION =
  /^\/(v1beta|v1)\/models\/[^/:]+:(generateContent|streamGenerateContent|countTokens|embedContent|batchEmbedContents)$/;
const GEMINI_MODEL = /^\/(v1beta|v1)\/models\/[^/:]+$/;
const ADMIN_ACCOUNT = /^\/admin\/accounts\/[^/]+(\/enable|\/disable)?$/;

export function routeTemplate(method: string, path: string): string | undefined {
  if (EXACT.has(`${method} ${path}`)) return path;
  const action = GEMINI_ACTION.exec(path);
  if (method === "POST" && action !== null) return `/${action[1]}/models/{model}:${action[2]}`;
  const model = GEMINI_MODEL.exec(path);
  if (method === "GET" && model !== null) return `/${model[1]}/models/{model}`;
  const admin = ADMIN_ACCOUNT.exec(path);
  if (admin !== null) {
    const verb = admin[1];
    if (verb !== undefined && method === "POST") return `/admin/accounts/{id}${verb}`;
    if (verb === undefined && method === "DELETE") return "/admin/accounts/{id}";
  }
  return undefined;
}
