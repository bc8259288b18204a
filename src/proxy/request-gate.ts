/**
 * The edge before routing. Every request is checked for a usable target before the router, the
 * access rules or the telemetry see it, and is handed on with one canonical URL
 * (`http://grantpool.invalid` + path + query): the path the router cuts out of that URL and the
 * path a WHATWG URL parser reads from it are the same string, whatever Host the client sent.
 * (Bun builds `request.url` from the Host header; Elysia finds the path by searching for a `/`
 * from a fixed offset, so a short or odd Host used to make the two disagree.)
 *
 * Refused here with a 400 in the client protocol's error format: a Host header that is not a
 * host[:port] (RFC 9110 §7.2), a target that is not a URL, and CONNECT (grantpool is an origin
 * server, not a forward proxy); TRACE with a 405. Nothing of the request is logged.
 */
import { errorReply, type Protocol, protocolOfPath } from "./protocol-errors.ts";

export const CANONICAL_ORIGIN = "http://grantpool.invalid";

/** A host name, IPv4 or bracketed IPv6 literal, then an optional port. */
const HOST_HEADER = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9._~!$&'()*+,;=-]{1,253})(?::(\d{1,5}))?$/;
const MAX_PORT = 65535;

export type Admission =
  | { readonly ok: true; readonly request: Request }
  | { readonly ok: false; readonly reply: Response };

function refuse(
  protocol: Protocol,
  message: string,
  kind: "bad_request" | "method_not_allowed" = "bad_request",
) {
  return { ok: false as const, reply: errorReply(protocol, { kind, message }) };
}

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

export function admitRequest(request: Request): Admission {
  const method = request.method;
  if (method === "CONNECT") {
    return refuse("gemini", "CONNECT is not supported: grantpool is an API server, not a forward proxy");
  }
  const protocol = protocolOfPath(roughPath(request.url));
  if (method === "TRACE") return refuse(protocol, "TRACE is not supported", "method_not_allowed");
  const problem = hostProblem(request.headers.get("host"));
  if (problem !== undefined) return refuse(protocol, `bad request: ${problem}`);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return refuse(protocol, "bad request: the request target is not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return refuse(protocol, "bad request: the request target is not an http(s) URL");
  }
  const canonical = `${CANONICAL_ORIGIN}${url.pathname}${url.search}`;
  return { ok: true, request: canonical === request.url ? request : new Request(canonical, request) };
}
