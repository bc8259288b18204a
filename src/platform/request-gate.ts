/**
 * The edge before routing, applied by `serve` to every server grantpool runs (proxy, operator
 * health, login callback). Every request is checked for a usable target before the router, the
 * access rules or the telemetry see it, and is handed on with a URL whose path the router cuts
 * out exactly as a WHATWG URL parser reads it, whatever Host the client sent. (Bun builds
 * `request.url` from the Host header; Elysia finds the path by searching for a `/` from a fixed
 * offset, so a short or odd Host used to make the two disagree.) A URL that already agrees is
 * kept, and so is the request; any other is rewritten to one canonical URL
 * (`http://grantpool.invalid` + path + query). Rewriting makes a new Request, whose body the
 * runtime can then only hand out as a JavaScript stream — which cost more than a third of the
 * proxy's throughput when every request was rewritten.
 *
 * Refused here: a Host header that is not a host[:port] (RFC 9110 §7.2), a target that is not an
 * http(s) URL, and CONNECT (grantpool is an origin server, not a forward proxy) with a 400; TRACE
 * with a 405. The caller shapes the reply; nothing of the request is logged.
 */

import { rememberUrl } from "./request-url.ts";

export const CANONICAL_ORIGIN = "http://grantpool.invalid";

/** A host name, IPv4 or bracketed IPv6 literal, then an optional port. */
const HOST_HEADER = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9._~!$&'()*+,;=-]{1,253})(?::(\d{1,5}))?$/;
const MAX_PORT = 65535;

export interface Refusal {
  readonly status: 400 | 405;
  readonly message: string;
  /** The request's path as far as it can be told, for choosing the reply's format. */
  readonly path: string;
}

export type Refuse = (refusal: Refusal) => Response;

export type Admission =
  | { readonly ok: true; readonly request: Request }
  | { readonly ok: false; readonly reply: Response };

function hostProblem(host: string | null): string | undefined {
  if (host === null) return undefined; // HTTP/1.0 and HTTP/2 (:authority) requests may have none
  const match = HOST_HEADER.exec(host);
  if (match === null) return "the Host header is not a valid host[:port]";
  const port = match[1];
  if (port !== undefined && Number(port) > MAX_PORT) return "the Host header's port is out of range";
  return undefined;
}

/** The path of a URL string without parsing it, for choosing an error format only. */
function roughPath(url: string): string {
  const afterScheme = url.indexOf("//");
  const slash = url.indexOf("/", afterScheme === -1 ? 0 : afterScheme + 2);
  return slash === -1 ? "/" : url.slice(slash);
}

/** Where Elysia's router starts looking for the path's `/` in a request URL. */
const ROUTER_PATH_SEARCH_FROM = 11;

/**
 * Whether the router would cut out of `raw` the same path and query the parsed URL has: `raw` is
 * exactly the parsed URL (nothing normalized away; a Host cannot hold userinfo) with no fragment,
 * and the router's search for the first `/` lands where the path begins.
 */
function routesAsParsed(raw: string, url: URL): boolean {
  return (
    raw === url.href &&
    url.hash === "" &&
    raw.indexOf("/", ROUTER_PATH_SEARCH_FROM) === raw.indexOf("/", url.protocol.length + 2)
  );
}

export function admitRequest(request: Request, refuse: Refuse): Admission {
  const method = request.method;
  const refused = (status: 400 | 405, message: string): Admission => ({
    ok: false,
    reply: refuse({ status, message, path: roughPath(request.url) }),
  });
  if (method === "CONNECT") {
    return refused(400, "CONNECT is not supported: grantpool is an API server, not a forward proxy");
  }
  if (method === "TRACE") return refused(405, "TRACE is not supported");
  const problem = hostProblem(request.headers.get("host"));
  if (problem !== undefined) return refused(400, `bad request: ${problem}`);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return refused(400, "bad request: the request target is not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return refused(400, "bad request: the request target is not an http(s) URL");
  }
  if (routesAsParsed(request.url, url)) {
    rememberUrl(request, url);
    return { ok: true, request };
  }
  const canonical = `${CANONICAL_ORIGIN}${url.pathname}${url.search}`;
  return { ok: true, request: canonical === request.url ? request : new Request(canonical, request) };
}

/** The reply of a server that has no protocol of its own: Google's error shape. */
export const plainRefusal: Refuse = ({ status, message }) =>
  Response.json(
    { error: { code: status, message, status: status === 400 ? "INVALID_ARGUMENT" : "UNIMPLEMENTED" } },
    { status },
  );
