/**
 * /admin/openapi.json against what the plugin really does: the same routes both ways, every
 * reference resolvable, and real replies shaped as the document says.
 */
import { describe, expect, test } from "bun:test";
import { adminOpenApi } from "../../../src/proxy/admin/admin-openapi.ts";
import { createAdminRoutes } from "../../../src/proxy/admin/admin-routes.ts";
import type {
  HttpMethod,
  JsonSchema,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
} from "../../../src/proxy/admin/openapi-document.ts";
import { type AdminFixture, startAdminFixture } from "../../support/admin-fixture.ts";

const A = "alice@example.com";
const B = "bob@example.com";

function resolve<T>(value: T | { $ref: string }): T {
  if (typeof value !== "object" || value === null || !("$ref" in value)) return value as T;
  const [, , section, name] = value.$ref.split("/");
  const components = adminOpenApi().components as unknown as Record<string, Record<string, unknown>>;
  const found = components[section ?? ""]?.[name ?? ""];
  if (found === undefined) throw new Error(`unresolved reference ${value.$ref}`);
  return found as T;
}

function operations(): { key: string; path: string; method: HttpMethod; op: OpenApiOperation }[] {
  return Object.entries(adminOpenApi().paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({
      key: `${method.toUpperCase()} ${path}`,
      path,
      method: method as HttpMethod,
      op: op as OpenApiOperation,
    })),
  );
}

/** Every way `value` breaks `schema` (types, enums, required and unknown members), with paths. */
function violations(value: unknown, schema: JsonSchema, at = "$"): string[] {
  const s = resolve(schema);
  if ("$ref" in s) return [`${at}: unresolved`];
  const kind = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
  const expected = s.type === "integer" ? "number" : s.type;
  if (expected !== undefined && kind !== expected) return [`${at}: expected ${s.type}, got ${kind}`];
  if (s.type === "integer" && !Number.isInteger(value)) return [`${at}: expected an integer`];
  if (s.enum !== undefined && !s.enum.includes(value as string))
    return [`${at}: ${String(value)} not in enum`];
  if (s.format === "date-time" && Number.isNaN(Date.parse(value as string)))
    return [`${at}: not a date-time`];
  if (Array.isArray(value) && s.items !== undefined) {
    const items = s.items;
    return value.flatMap((item, i) => violations(item, items, `${at}[${i}]`));
  }
  if (kind !== "object" || s.properties === undefined) return [];
  const record = value as Record<string, unknown>;
  const properties = s.properties;
  return [
    ...(s.required ?? []).filter((name) => !(name in record)).map((name) => `${at}.${name}: missing`),
    ...Object.entries(record).flatMap(([name, member]) => {
      const memberSchema = properties[name];
      return memberSchema === undefined
        ? [`${at}.${name}: not in the document`]
        : violations(member, memberSchema, `${at}.${name}`);
    }),
  ];
}

/** Calls a route and checks the reply against the document's response for its status. */
async function conforms(f: AdminFixture, method: HttpMethod, path: string, docPath: string, body?: unknown) {
  const response = await f.call(path, body === undefined ? { method } : { method, body });
  const op = adminOpenApi().paths[docPath]?.[method];
  if (op === undefined) throw new Error(`${method} ${docPath} is not in the document`);
  const documented = op.responses[String(response.status)];
  expect(documented === undefined ? `${response.status} undocumented for ${method} ${docPath}` : "").toBe("");
  const schema = resolve(documented as OpenApiResponse | { $ref: string }).content?.["application/json"]
    ?.schema;
  if (schema === undefined) return response.status;
  expect(violations(await response.json(), schema)).toEqual([]);
  return response.status;
}

describe("GET /admin/openapi.json", () => {
  test("describes exactly the routes the plugin serves, no more and no fewer", async () => {
    await using f = await startAdminFixture();
    const served = createAdminRoutes(f.deps)
      .routes.map((route) => `${route.method} ${route.path.replace(/:([A-Za-z_]+)/g, "{$1}")}`)
      .sort();
    expect(served.length).toBeGreaterThanOrEqual(8);
    expect(
      operations()
        .map((o) => o.key)
        .sort(),
    ).toEqual(served);
  });

  test("is served as the document, OpenAPI 3.1, to a caller with the admin key", async () => {
    await using f = await startAdminFixture();
    const { status, body } = await f.callJson("/admin/openapi.json");
    expect(status).toBe(200);
    expect(body).toEqual(JSON.parse(JSON.stringify(adminOpenApi())));
    expect(body.openapi).toBe("3.1.0");
  });

  test("declares the bearer security scheme, the refusals, and every path parameter of every operation", () => {
    expect(adminOpenApi().components.securitySchemes.adminBearer).toMatchObject({
      type: "http",
      scheme: "bearer",
    });
    expect(adminOpenApi().security).toContainEqual({ adminBearer: [] });
    for (const { key, path, op } of operations()) {
      expect({ key, codes: Object.keys(op.responses) }).toMatchObject({
        key,
        codes: expect.arrayContaining(["401", "403", "500"]),
      });
      const declared = (op.parameters ?? []).map((p) => resolve<OpenApiParameter>(p));
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");
      expect({ key, params: declared.filter((p) => p.in === "path").map((p) => p.name) }).toEqual({
        key,
        params: inPath,
      });
    }
  });

  test("the shape check notices a missing member and one the document does not have", () => {
    const leaky = { accounts: [{ id: "x", token: "t" }] };
    expect(violations(leaky, { $ref: "#/components/schemas/AccountList" })).toEqual(
      expect.arrayContaining(["$.accounts[0].email: missing", "$.accounts[0].token: not in the document"]),
    );
  });

  test("every reference in the document resolves", () => {
    const refs = JSON.stringify(adminOpenApi()).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(() => resolve({ $ref: ref.slice(9, -1) })).not.toThrow();
  });

  test("real replies of every route have the shapes the document gives them", async () => {
    await using f = await startAdminFixture({ emails: [A, B] });
    f.google.revoke(f.account(A).token.refreshToken);
    await f.pool.acquire();
    await f.pool.report("id-bob", { kind: "rate_limited", model: "pro", message: "quota" });
    await f.pool.report("id-bob", {
      kind: "validation_required",
      url: "https://example.com/v",
      message: "v",
    });
    const carol = f.mintToken("carol@example.com");

    const statuses = [
      await conforms(f, "get", "/admin/accounts", "/admin/accounts"),
      await conforms(f, "get", "/admin/pool", "/admin/pool"),
      await conforms(f, "post", "/admin/accounts", "/admin/accounts", { refresh_token: carol }),
      await conforms(f, "post", "/admin/accounts", "/admin/accounts", { refresh_token: f.mintToken(A) }),
      await conforms(f, "post", "/admin/accounts", "/admin/accounts", { nope: 1 }),
      await conforms(f, "post", "/admin/accounts/id-bob/disable", "/admin/accounts/{id}/disable"),
      await conforms(f, "post", "/admin/accounts/id-bob/enable", "/admin/accounts/{id}/enable"),
      await conforms(f, "post", "/admin/accounts/nobody/enable", "/admin/accounts/{id}/enable"),
      await conforms(f, "post", "/admin/reload", "/admin/reload"),
      await conforms(f, "delete", "/admin/accounts/id-bob", "/admin/accounts/{id}"),
      await conforms(f, "get", "/admin/openapi.json", "/admin/openapi.json"),
    ];
    expect(statuses).toEqual([200, 200, 201, 200, 400, 200, 200, 404, 200, 204, 200]);
    f.google.revoke(carol);
    expect(await conforms(f, "post", "/admin/accounts", "/admin/accounts", { refresh_token: carol })).toBe(
      422,
    );
  });
});
