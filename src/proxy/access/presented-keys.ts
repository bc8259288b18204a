/**
 * Where a caller may put a key (SPEC §6.2): `Authorization: Bearer`, `x-api-key`,
 * `x-goog-api-key`, or the `key` query parameter (Gemini clients send it there). Each route's
 * access rule names the places it accepts: the admin key is never read from the query, which
 * proxies and browsers log.
 */

import { requestUrl } from "../../platform/request-url.ts";

export type KeyPlace = "bearer" | "x-api-key" | "x-goog-api-key" | "query";

export const CLIENT_KEY_PLACES: readonly KeyPlace[] = ["bearer", "x-api-key", "x-goog-api-key", "query"];
export const ADMIN_KEY_PLACES: readonly KeyPlace[] = ["bearer", "x-api-key"];

function fromPlace(place: KeyPlace, request: Request): string | null | undefined {
  switch (place) {
    case "bearer":
      return /^Bearer[ \t]+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    case "x-api-key":
    case "x-goog-api-key":
      return request.headers.get(place);
    case "query":
      return request.url.includes("?") ? requestUrl(request).searchParams.get("key") : undefined;
  }
}

/** The non-empty keys a request presents in the given places. */
export function presentedKeys(request: Request, places: readonly KeyPlace[]): string[] {
  const keys: string[] = [];
  for (const place of places) {
    const key = fromPlace(place, request)?.trim();
    if (key !== undefined && key !== "") keys.push(key);
  }
  return keys;
}
