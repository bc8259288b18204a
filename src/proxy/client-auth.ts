/**
 * Client authentication (SPEC §6.2): which routes need a key under each mode, where a key may be
 * sent, and a constant-time check against the configured keys. Keys are never forwarded upstream.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export type AuthMode = "off" | "strict" | "all_except_health" | "auto";
export type EffectiveAuthMode = Exclude<AuthMode, "auto">;

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** `auto` protects everything but health when the proxy is reachable from other machines. */
export function effectiveAuthMode(mode: AuthMode, host: string): EffectiveAuthMode {
  if (mode !== "auto") return mode;
  return isLoopbackHost(host) ? "off" : "all_except_health";
}

/** Open in all_except_health: the probes, and the metrics (no secrets; scrapers rarely send keys). */
const HEALTH_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

export function routeNeedsKey(mode: EffectiveAuthMode, path: string): boolean {
  if (mode === "off") return false;
  if (mode === "all_except_health") return !HEALTH_PATHS.has(path);
  return true;
}

/** The client's key from `Authorization: Bearer`, `x-api-key`, `x-goog-api-key` or `?key=`. */
export function extractClientKey(headers: Headers, url: URL): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "")?.[1];
  const candidates = [
    bearer,
    headers.get("x-api-key"),
    headers.get("x-goog-api-key"),
    url.searchParams.get("key"),
  ];
  return candidates.find((key): key is string => typeof key === "string" && key.trim() !== "")?.trim();
}

export type KeyChecker = (candidate: string) => boolean;

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Compares against every configured key in constant time: hashing first makes lengths equal, and
 * no early exit reveals which key (or how much of one) matched.
 */
export function createKeyChecker(keys: readonly string[]): KeyChecker {
  const digests = keys.map(digest);
  return (candidate) => {
    const probe = digest(candidate);
    let matched = false;
    for (const known of digests) matched = timingSafeEqual(known, probe) || matched;
    return matched;
  };
}

export type AuthVerdict = "allowed" | "missing_key" | "invalid_key";

export interface ClientAuth {
  readonly mode: EffectiveAuthMode;
  check(request: Request, url: URL): AuthVerdict;
}

export function createClientAuth(mode: AuthMode, host: string, keys: readonly string[]): ClientAuth {
  const effective = effectiveAuthMode(mode, host);
  const matches = createKeyChecker(keys);
  return {
    mode: effective,
    check(request, url) {
      if (!routeNeedsKey(effective, url.pathname)) return "allowed";
      const key = extractClientKey(request.headers, url);
      if (key === undefined) return "missing_key";
      return matches(key) ? "allowed" : "invalid_key";
    },
  };
}
