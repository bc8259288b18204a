/**
 * The one key check of the HTTP surface, configured per route (SPEC §6.2, §7). Every route group
 * carries its own rule — the probes, the client API, the admin API — and the check runs as that
 * group's `beforeHandle`, after the router has chosen the route: authorization is decided by what
 * is routed, never by a prefix test on a path string derived some other way.
 */
import { type KeyChecker, type KeyPlace, presentedKeys } from "./key-check.ts";

export type AccessRefusal =
  /** No key in any accepted place. */
  | "missing_key"
  /** A key was presented and none matched. */
  | "invalid_key"
  /** The route's key is not configured, so nobody may use it (the admin API without an admin key). */
  | "disabled";

export type AccessRule =
  | { readonly kind: "open" }
  | { readonly kind: "disabled"; readonly refuse: (refusal: AccessRefusal) => Response }
  | {
      readonly kind: "key";
      readonly matches: KeyChecker;
      readonly places: readonly KeyPlace[];
      readonly refuse: (refusal: AccessRefusal) => Response;
    };

/** The refusal for this request under `rule`, or undefined when it may go on. */
export function checkAccess(rule: AccessRule, request: Request): Response | undefined {
  switch (rule.kind) {
    case "open":
      return undefined;
    case "disabled":
      return rule.refuse("disabled");
    case "key": {
      const keys = presentedKeys(request, rule.places);
      if (keys.length === 0) return rule.refuse("missing_key");
      return rule.matches(keys) ? undefined : rule.refuse("invalid_key");
    }
  }
}

/** The rule as an Elysia `beforeHandle` hook: a refusal ends the request before the handler runs. */
export function requireAccess(rule: AccessRule): (context: { request: Request }) => Response | undefined {
  return ({ request }) => checkAccess(rule, request);
}
