/**
 * The OpenAPI 3.1 document of the admin API, served at /admin/openapi.json. The paths are written
 * by hand as a typed object; the schemas are generated from the valibot schemas the API checks and
 * types with (admin-openapi-schemas.ts), when the document is first asked for. A test compares its
 * paths and methods with the routes the plugin serves, both ways, so the two cannot drift apart.
 */
import { VERSION } from "../../version.ts";
import { adminJsonSchemas } from "./admin-openapi-schemas.ts";
import type { OpenApiDocument, OpenApiOperation, OpenApiResponse, Ref } from "./openapi-document.ts";

const json = (schema: string) => ({
  "application/json": { schema: { $ref: `#/components/schemas/${schema}` } },
});
const response = (name: string): Ref => ({ $ref: `#/components/responses/${name}` });
const reply = (description: string, schema: string): OpenApiResponse => ({
  description,
  content: json(schema),
});
const ACCOUNT_ID: Ref = { $ref: "#/components/parameters/AccountId" };

/** Every admin route can be refused and can fail, whatever it does. */
const COMMON_RESPONSES = {
  "401": response("Unauthenticated"),
  "403": response("AdminDisabled"),
  "500": response("Internal"),
};

function operation(op: OpenApiOperation): OpenApiOperation {
  return { tags: ["admin"], ...op, responses: { ...op.responses, ...COMMON_RESPONSES } };
}

/** The hand-written part of the document: all of it but the generated schemas. */
const HAND_WRITTEN = {
  openapi: "3.1.0",
  info: {
    title: "grantpool admin API",
    version: VERSION,
    description:
      "Manages the pool of Google OAuth accounts of a running grantpool proxy. Every change reaches " +
      "the pool at once. Replies never contain a token. Every route needs GRANTPOOL_ADMIN_KEY, as " +
      "`Authorization: Bearer <key>` or `x-api-key: <key>`; with no admin key configured every " +
      "route answers 403.",
  },
  tags: [{ name: "admin", description: "Accounts and the pool" }],
  security: [{ adminBearer: [] }, { adminApiKey: [] }],
  paths: {
    "/admin/accounts": {
      get: operation({
        operationId: "listAccounts",
        summary: "Every stored account with its state, reasons and cooldown ends",
        responses: { "200": reply("The accounts, sorted by email", "AccountList") },
      }),
      post: operation({
        operationId: "addAccount",
        summary: "Add or replace an account's refresh token (as `grantpool accounts add`)",
        description:
          "Verifies the token with one refresh, reads the identity from userinfo and upserts the " +
          "account by email (case-insensitive). A disabled account whose token changed is recovered; " +
          "proxy_disabled is left as it is. A token Google rejects is refused and nothing is written.",
        requestBody: { required: true, content: json("AddAccountRequest") },
        responses: {
          "200": reply("An existing account got the token (outcome updated or recovered)", "EnrollReply"),
          "201": reply("A new account was created", "EnrollReply"),
          "400": response("BadRequest"),
          "422": reply("Google rejected the refresh token; nothing was written", "Error"),
          "502": reply("Google rejected the OAuth client configuration; nothing was written", "Error"),
          "503": reply("Google could not be reached or failed; nothing was written, try again", "Error"),
        },
      }),
    },
    "/admin/accounts/{id}/enable": {
      post: operation({
        operationId: "enableAccount",
        summary: "Return an account to the proxy (clears proxy_disabled)",
        description: "Does not clear `disabled`: dead credentials recover only with a new token.",
        parameters: [ACCOUNT_ID],
        requestBody: { required: false, content: json("EnableAccountRequest") },
        responses: {
          "200": reply("The account after the change", "StateChangeReply"),
          "400": response("BadRequest"),
          "404": response("NotFound"),
        },
      }),
    },
    "/admin/accounts/{id}/disable": {
      post: operation({
        operationId: "disableAccount",
        summary: "Take an account out of the proxy (sets proxy_disabled, reason `manual` by default)",
        parameters: [ACCOUNT_ID],
        requestBody: { required: false, content: json("DisableAccountRequest") },
        responses: {
          "200": reply("The account after the change", "StateChangeReply"),
          "400": response("BadRequest"),
          "404": response("NotFound"),
        },
      }),
    },
    "/admin/accounts/{id}/quota": {
      post: operation({
        operationId: "fetchAccountQuota",
        summary: "Fetch an account's per-model quota from Google now (as `grantpool accounts quota`)",
        description:
          "Asks Cloud Code Assist for the quota left per model, stores it with the account and " +
          "applies quota protection at once. Only the code-assist upstream profile can: the Gemini " +
          "API tells quota only in its 429 replies.",
        parameters: [ACCOUNT_ID],
        responses: {
          "200": reply("The account with its fresh quota", "QuotaReply"),
          "400": response("BadRequest"),
          "404": response("NotFound"),
          "409": reply("The upstream profile has no quota endpoint (gemini)", "Error"),
          "502": reply("Google did not tell the quota; nothing changed", "Error"),
        },
      }),
    },
    "/admin/accounts/{id}": {
      delete: operation({
        operationId: "removeAccount",
        summary: "Remove an account from the store and the pool",
        parameters: [ACCOUNT_ID],
        responses: { "204": { description: "Removed" }, "404": response("NotFound") },
      }),
    },
    "/admin/reload": {
      post: operation({
        operationId: "reloadPool",
        summary: "Re-read every account from the store",
        responses: { "200": reply("The pool after the reload", "ReloadReply") },
      }),
    },
    "/admin/pool": {
      get: operation({
        operationId: "describePool",
        summary: "What the pool holds now and why each account that cannot serve is out",
        responses: { "200": reply("Counts by state and every member", "PoolReply") },
      }),
    },
    "/admin/openapi.json": {
      get: operation({
        operationId: "adminOpenApi",
        summary: "This document",
        responses: {
          "200": {
            description: "The OpenAPI 3.1 document of the admin API",
            content: { "application/json": { schema: { type: "object" } } },
          },
        },
      }),
    },
  },
  components: {
    securitySchemes: {
      adminBearer: { type: "http", scheme: "bearer", description: "GRANTPOOL_ADMIN_KEY as a bearer token" },
      adminApiKey: {
        type: "apiKey",
        in: "header",
        name: "x-api-key",
        description: "GRANTPOOL_ADMIN_KEY in the x-api-key header",
      },
    },
    parameters: {
      AccountId: {
        name: "id",
        in: "path",
        required: true,
        description: "The account id, or its email (any case)",
        schema: { type: "string" },
      },
    },
    responses: {
      BadRequest: reply("The body is not JSON or has a bad field; the message names it", "Error"),
      Unauthenticated: {
        description: "The admin key is missing or wrong",
        headers: { "WWW-Authenticate": { description: "`Bearer`", schema: { type: "string" } } },
        content: json("Error"),
      },
      AdminDisabled: reply("The admin API is disabled because GRANTPOOL_ADMIN_KEY is unset", "Error"),
      NotFound: reply("No account has that id or email", "Error"),
      Internal: reply("The store failed; the message says how", "Error"),
    },
  },
} satisfies Omit<OpenApiDocument, "components"> & {
  readonly components: Omit<OpenApiDocument["components"], "schemas">;
};

let built: OpenApiDocument | undefined;

/** The admin API's document, built the first time it is asked for (start-up does not pay for it). */
export function adminOpenApi(): OpenApiDocument {
  built ??= { ...HAND_WRITTEN, components: { ...HAND_WRITTEN.components, schemas: adminJsonSchemas() } };
  return built;
}
