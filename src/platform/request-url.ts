/**
 * A request's URL, parsed once. The request gate parses every request's URL before routing; the
 * key check and the handlers after it read the same URL again (its path, its query), and a
 * WeakMap hands them the gate's parse instead of a new one each. Treat it as read-only: it is
 * shared by everything that serves the request.
 */
const parsed = new WeakMap<Request, URL>();

/** Records `url` as the parse of `request.url`. */
export function rememberUrl(request: Request, url: URL): void {
  parsed.set(request, url);
}

/** The parse of `request.url`: the one remembered, else a new one (then remembered). */
export function requestUrl(request: Request): URL {
  let url = parsed.get(request);
  if (url === undefined) {
    url = new URL(request.url);
    parsed.set(request, url);
  }
  return url;
}
