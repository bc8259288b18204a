/**
 * Who may use /admin: only a caller presenting GRANTPOOL_ADMIN_KEY, as `Authorization: Bearer` or
 * `x-api-key`. Client API keys are a different secret and never grant admin. With no admin key
 * configured every admin route is refused, so an unconfigured proxy cannot be administered by
 * anyone who can reach it.
 */
import { createHash } from "node:crypto";
import { sameSecret } from "../../oauth/pkce.ts";
import { adminError } from "./admin-replies.ts";

export const ADMIN_DISABLED_MESSAGE =
  "The admin API is disabled because GRANTPOOL_ADMIN_KEY is unset; set --admin-key or GRANTPOOL_ADMIN_KEY to enable it";

const UNAUTHENTICATED_MESSAGE =
  "Missing or wrong admin key: send it as `Authorization: Bearer <key>` or `x-api-key: <key>`";

/** The keys a request presents; an `Authorization` header of another scheme presents none. */
export function presentedAdminKeys(headers: Headers): string[] {
  const keys: string[] = [];
  const authorization = headers.get("authorization");
  const bearer = authorization?.match(/^Bearer[ \t]+(.+)$/i)?.[1]?.trim();
  if (bearer !== undefined && bearer !== "") keys.push(bearer);
  const apiKey = headers.get("x-api-key")?.trim();
  if (apiKey !== undefined && apiKey !== "") keys.push(apiKey);
  return keys;
}

/**
 * Constant time in the key's content and its length: both sides are hashed to the same size
 * first, so a wrong guess learns neither a prefix nor the length of the key.
 */
function matchesKey(adminKey: string, presented: string): boolean {
  const digest = (text: string): string => createHash("sha256").update(text).digest("hex");
  return sameSecret(digest(adminKey), digest(presented));
}

export type AdminAuthVerdict = "allowed" | "admin_disabled" | "unauthenticated";

export function checkAdminAccess(adminKey: string | undefined, headers: Headers): AdminAuthVerdict {
  if (adminKey === undefined || adminKey === "") return "admin_disabled";
  // Every presented key is compared, so timing does not tell which header carried the right one.
  let allowed = false;
  for (const key of presentedAdminKeys(headers)) allowed = matchesKey(adminKey, key) || allowed;
  return allowed ? "allowed" : "unauthenticated";
}

/** The reply refusing a request, or undefined when the request may go on. */
export function refuseUnlessAdmin(adminKey: string | undefined, headers: Headers): Response | undefined {
  switch (checkAdminAccess(adminKey, headers)) {
    case "allowed":
      return undefined;
    case "admin_disabled":
      return adminError(403, "PERMISSION_DENIED", ADMIN_DISABLED_MESSAGE);
    case "unauthenticated":
      return adminError(401, "UNAUTHENTICATED", UNAUTHENTICATED_MESSAGE, {
        "www-authenticate": 'Bearer realm="grantpool-admin"',
      });
  }
}
