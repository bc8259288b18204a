/**
 * Who may use /admin: only a caller presenting GRANTPOOL_ADMIN_KEY, as `Authorization: Bearer` or
 * `x-api-key`. Client API keys are a different secret and never grant admin. With no admin key
 * configured every admin route is refused, so an unconfigured proxy cannot be administered by
 * anyone who can reach it. The check itself is the shared one (access/key-check.ts).
 */
import type { AccessRule } from "../access/access-rule.ts";
import { ADMIN_KEY_PLACES, createKeyChecker, keyRule } from "../access/key-check.ts";
import { adminError } from "./admin-replies.ts";

export const ADMIN_DISABLED_MESSAGE =
  "The admin API is disabled because GRANTPOOL_ADMIN_KEY is unset; set --admin-key or GRANTPOOL_ADMIN_KEY to enable it";

const UNAUTHENTICATED_MESSAGE =
  "Missing or wrong admin key: send it as `Authorization: Bearer <key>` or `x-api-key: <key>`";

function refuse(why: "missing_key" | "invalid_key" | "disabled"): Response {
  if (why === "disabled") return adminError(403, "PERMISSION_DENIED", ADMIN_DISABLED_MESSAGE);
  return adminError(401, "UNAUTHENTICATED", UNAUTHENTICATED_MESSAGE, {
    "www-authenticate": 'Bearer realm="grantpool-admin"',
  });
}

export function adminAccessRule(adminKey: string | undefined): AccessRule {
  if (adminKey === undefined || adminKey === "") return { kind: "disabled", refuse };
  return keyRule(createKeyChecker([adminKey]), ADMIN_KEY_PLACES, refuse);
}
