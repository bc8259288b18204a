/**
 * The one key check for every key grantpool accepts, client keys and the admin key alike (SPEC
 * §6.2, §7): where a caller may put a key, and the constant-time comparison. Each route group
 * configures it (`keyRule`) with a checker of its keys, the places it reads and how it refuses;
 * the admin key is never read from the query, which proxies and browsers log.
 */
import { hash, timingSafeEqual } from "node:crypto";
import { requestUrl } from "../../platform/request-url.ts";
import type { AccessRefusal, AccessRule } from "./access-rule.ts";

export type KeyPlace = "bearer" | "x-api-key" | "x-goog-api-key" | "query";

/** Client keys: `Authorization: Bearer`, `x-api-key`, `x-goog-api-key`, or `?key=` (Gemini clients). */
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

/** True when any presented key is one of the configured keys. */
export type KeyChecker = (presented: readonly string[]) => boolean;

/** SHA-256 in one call (twice as fast as createHash per request; Bun and Deno both have it). */
function digest(value: string): Buffer {
  return hash("sha256", value, "buffer");
}

/**
 * Both sides are hashed to the same length first, and every configured key is compared against
 * every presented one with no early exit, so timing reveals neither which key matched, nor its
 * length, nor how much of a guess was right.
 */
export function createKeyChecker(keys: readonly string[]): KeyChecker {
  const known = keys.filter((key) => key !== "").map(digest);
  return (presented) => {
    let matched = false;
    for (const candidate of presented) {
      const probe = digest(candidate);
      for (const key of known) matched = timingSafeEqual(key, probe) || matched;
    }
    return matched;
  };
}

/**
 * A route group's rule: a key `matches` accepts, presented in one of `places`; `refuse` answers
 * the rest. Groups that share keys share one checker, so the keys are hashed once.
 */
export function keyRule(
  matches: KeyChecker,
  places: readonly KeyPlace[],
  refuse: (refusal: AccessRefusal) => Response,
): AccessRule {
  return { kind: "key", matches, places, refuse };
}
