/**
 * The route template of a request, for span names and the `http.route` label: a small fixed set,
 * so metrics stay low-cardinality and no model name, account id or email becomes a label.
 */
/** Paths that are their own template, by method (no string is built to look one up). */
const EXACT: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  [
    "GET",
    new Set([
      "/",
      "/healthz",
      "/readyz",
      "/metrics",
      "/v1beta/models",
      "/v1/models",
      "/admin/accounts",
      "/admin/pool",
      "/admin/openapi.json",
    ]),
  ],
  ["HEAD", new Set(["/"])],
  ["POST", new Set(["/v1/messages", "/v1/messages/count_tokens", "/admin/accounts", "/admin/reload"])],
]);

/** The Gemini method templates, made once: by API version, then by action (Maps: a path is no key of an object). */
const GEMINI_ACTION_TEMPLATES: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map(
  ["v1beta", "v1"].map((version) => [
    version,
    new Map(
      ["generateContent", "streamGenerateContent", "countTokens", "embedContent", "batchEmbedContents"].map(
        (action) => [action, `/${version}/models/{model}:${action}`],
      ),
    ),
  ]),
);

const GEMINI_MODEL = /^\/(v1beta|v1)\/models\/[^/:]+$/;
const ADMIN_ACCOUNT = /^\/admin\/accounts\/[^/]+(\/enable|\/disable)?$/;

/**
 * `/{version}/models/{model}:{action}` (a model without "/" or ":"), read without a regular
 * expression: this runs for every request.
 */
function geminiActionTemplate(path: string): string | undefined {
  const version = path.startsWith("/v1beta/models/") ? "v1beta" : path.startsWith("/v1/models/") ? "v1" : "";
  if (version === "") return undefined;
  const model = version.length + "//models/".length;
  const colon = path.indexOf(":", model);
  if (colon <= model || path.indexOf("/", model) !== -1) return undefined;
  return GEMINI_ACTION_TEMPLATES.get(version)?.get(path.slice(colon + 1));
}

export function routeTemplate(method: string, path: string): string | undefined {
  if (EXACT.get(method)?.has(path) === true) return path;
  if (method === "POST") {
    const template = geminiActionTemplate(path);
    if (template !== undefined) return template;
  }
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
