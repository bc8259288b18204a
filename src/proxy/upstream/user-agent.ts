/**
 * The `user-agent` an upstream call carries: the client's own, so Google sees which tool is
 * calling, with grantpool's product token appended (`GeminiCLI/0.61.0 … grantpool/1.2.3`), as a
 * proxy adds itself to `Via`. Only that one header of the client's is passed on, never a key.
 */

/** Far above any real client's; a longer one is cut rather than sent upstream whole. */
const MAX_CLIENT_LENGTH = 512;

export function productToken(version: string): string {
  return `grantpool/${version}`;
}

function composeUserAgent(
  client: string | null | undefined,
  product: string | undefined,
): string | undefined {
  // Headers arrive without CR/LF; other control characters have no place in a product list.
  const own = (client ?? "")
    .replace(/\p{Cc}/gu, " ")
    .trim()
    .slice(0, MAX_CLIENT_LENGTH)
    .trim();
  const value = [own, product ?? ""].filter((part) => part !== "").join(" ");
  return value === "" ? undefined : value;
}

/** The last composition: a client sends the same agent on every call, so it is composed once. */
let last: { client: string | null | undefined; product: string | undefined; value: string | undefined } = {
  client: undefined,
  product: undefined,
  value: undefined,
};

/** The header value, or undefined when there is neither a client agent nor a product token. */
export function upstreamUserAgent(
  client: string | null | undefined,
  product: string | undefined,
): string | undefined {
  if (client !== last.client || product !== last.product) {
    last = { client, product, value: composeUserAgent(client, product) };
  }
  return last.value;
}

/**
 * The prepared request's headers with the user agent set (none set: fetch's own stays). The
 * profiles prepare a plain record per call (fetch builds its headers from it, with no Headers
 * object in between), copied with the agent added; a Headers object is set in place.
 */
export function withUserAgent(init: RequestInit, userAgent: string | undefined): RequestInit {
  if (userAgent === undefined) return init;
  if (init.headers instanceof Headers) {
    init.headers.set("user-agent", userAgent);
    return init;
  }
  if (init.headers !== undefined && !Array.isArray(init.headers)) {
    return { ...init, headers: { ...init.headers, "user-agent": userAgent } };
  }
  const headers = new Headers(init.headers);
  headers.set("user-agent", userAgent);
  return { ...init, headers };
}
