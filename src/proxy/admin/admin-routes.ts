/**
 * The admin API (SPEC §7) as an Elysia plugin under /admin, mounted by the app factory with
 * `.use(createAdminRoutes(deps))`. The key check runs before anything else on every route; bodies
 * are read only after it (`parse: "none"`), so an unauthenticated caller cannot make us parse
 * anything, and a malformed body is answered by our own validation, not by Elysia's parser.
 */
import { Elysia } from "elysia";
import { requireAccess } from "../access/access-rule.ts";
import { adminAccessRule } from "./admin-auth.ts";
import {
  AddAccountBody,
  type BodySchema,
  DisableAccountBody,
  EnableAccountBody,
  readJsonBody,
} from "./admin-bodies.ts";
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
import { adminOpenApi } from "./admin-openapi.ts";
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

type Reply = Response | Promise<Response>;

/** A handler of a route with an `{id}`: the id checked, then `handle` (or the 400). */
function withAccountId(handle: (id: string, request: Request) => Reply) {
  return ({ params, request }: { params: { id?: string | null }; request: Request }): Reply => {
    const id = accountIdOf(params.id);
    return typeof id === "string" ? handle(id, request) : id;
  };
}

/** The body checked against `schema` (`emptyAs`: what no body means), then `handle` (or the 400). */
async function withBody<T>(
  request: Request,
  schema: BodySchema<T>,
  emptyAs: unknown,
  handle: (body: T) => Reply,
): Promise<Response> {
  const body = await readJsonBody(request, schema, emptyAs);
  return body.ok ? handle(body.value) : badRequest(body.error);
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
        ({ request }) =>
          withBody(request, AddAccountBody, undefined, (body) => addAccount(deps, body.refresh_token)),
        { parse: "none" },
      )
      .post(
        "/accounts/:id/enable",
        withAccountId((id, request) =>
          withBody(request, EnableAccountBody, {}, () => setProxyDisabled(deps, id, "enable")),
        ),
        { parse: "none" },
      )
      .post(
        "/accounts/:id/disable",
        withAccountId((id, request) =>
          withBody(request, DisableAccountBody, {}, (body) =>
            setProxyDisabled(deps, id, "disable", body.reason),
          ),
        ),
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
      .get("/openapi.json", () => adminJson(200, adminOpenApi()))
  );
}
