/**
 * The admin API (SPEC §7) as an Elysia plugin under /admin, mounted by the app factory with
 * `.use(createAdminRoutes(deps))`. The key check runs before anything else on every route; bodies
 * are read only after it (`parse: "none"`), so an unauthenticated caller cannot make us parse
 * anything, and a malformed body is answered by our own validation, not by Elysia's parser.
 */
import { Elysia } from "elysia";
import { MANUAL_REASON } from "../../account-operations/change-account-state.ts";
import { requireAccess } from "../access/access-rule.ts";
import { adminAccessRule } from "./admin-auth.ts";
import { AddAccountBody, DisableAccountBody, EnableAccountBody, readJsonBody } from "./admin-bodies.ts";
import type { AdminDeps } from "./admin-deps.ts";
import {
  addAccount,
  describePool,
  fetchQuota,
  listAccounts,
  reloadPool,
  removeAccount,
  setProxyDisabled,
} from "./admin-handlers.ts";
import { ADMIN_OPENAPI } from "./admin-openapi.ts";
import { adminError, adminJson, adminUnexpectedError } from "./admin-replies.ts";

export type { AdminDeps } from "./admin-deps.ts";

const badRequest = (message: string): Response => adminError(400, "INVALID_ARGUMENT", message);

/** Far above any account id or email. */
const MAX_ID_LENGTH = 320;

/**
 * The `{id}` of a route, as the router decoded it: null when its percent-encoding is broken
 * (`%zz`, `%C0%AF`), which is the caller's mistake, answered with a 400 naming it.
 */
function accountIdOf(raw: string | null | undefined): string | Response {
  if (typeof raw !== "string" || raw === "") {
    return badRequest("path: the account id is not valid percent-encoding (UTF-8)");
  }
  if (raw.length > MAX_ID_LENGTH)
    return badRequest(`path: the account id is longer than ${MAX_ID_LENGTH} characters`);
  return raw;
}

/** A handler of a route with an `{id}` and no body: the id checked, then `handle` (or the 400). */
function withAccountId(handle: (id: string) => Response | Promise<Response>) {
  return ({ params }: { params: { id?: string | null } }): Response | Promise<Response> => {
    const id = accountIdOf(params.id);
    return typeof id === "string" ? handle(id) : id;
  };
}

export function createAdminRoutes(deps: AdminDeps) {
  return (
    new Elysia({ prefix: "/admin" })
      // Local to this plugin: the app's other routes keep their own error format.
      .onError(({ error, request }) => adminUnexpectedError(request, error, deps.log))
      .onBeforeHandle(requireAccess(adminAccessRule(deps.adminKey)))
      .get("/accounts", () => listAccounts(deps))
      .post(
        "/accounts",
        async ({ request }) => {
          const body = await readJsonBody(request, AddAccountBody);
          return body.ok ? addAccount(deps, body.value.refresh_token) : badRequest(body.error);
        },
        { parse: "none" },
      )
      .post(
        "/accounts/:id/enable",
        async ({ params, request }) => {
          const id = accountIdOf(params.id);
          if (typeof id !== "string") return id;
          const body = await readJsonBody(request, EnableAccountBody, {});
          return body.ok ? setProxyDisabled(deps, id, { kind: "enable" }) : badRequest(body.error);
        },
        { parse: "none" },
      )
      .post(
        "/accounts/:id/disable",
        async ({ params, request }) => {
          const id = accountIdOf(params.id);
          if (typeof id !== "string") return id;
          const body = await readJsonBody(request, DisableAccountBody, {});
          if (!body.ok) return badRequest(body.error);
          return setProxyDisabled(deps, id, {
            kind: "disable",
            reason: body.value.reason ?? MANUAL_REASON,
          });
        },
        { parse: "none" },
      )
      .post(
        "/accounts/:id/quota",
        withAccountId((id) => fetchQuota(deps, id)),
        { parse: "none" },
      )
      .delete(
        "/accounts/:id",
        withAccountId((id) => removeAccount(deps, id)),
        { parse: "none" },
      )
      .post("/reload", () => reloadPool(deps), { parse: "none" })
      .get("/pool", () => describePool(deps))
      .get("/openapi.json", () => adminJson(200, ADMIN_OPENAPI))
  );
}
