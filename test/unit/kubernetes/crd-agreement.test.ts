/**
 * The Account CRD (crds/accounts.grantpool.io.yaml) and the valibot schema that parses every
 * Account read from the API server (src/kubernetes/account-resource.ts) describe one
 * resource. Both are brought to one normal form — property names at every level, types, required
 * sets, defaults, enums, length and number bounds, patterns, formats, CEL rules — and compared, so
 * a change to either side alone fails here. A keyword the normal form does not know fails too:
 * a new kind of constraint needs a decision, not silence.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { toJsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import { parse } from "yaml";
import {
  ACCOUNT_GROUP,
  ACCOUNT_KIND,
  ACCOUNT_PLURAL,
  ACCOUNT_VERSION,
  AccountResource,
  AccountSpec,
  AccountStatus,
  Condition,
} from "../../../src/kubernetes/account-resource.ts";

const CRD_FILE = join(import.meta.dir, "..", "..", "..", "crds", "accounts.grantpool.io.yaml");

/** What both sides say about one value. */
interface Shape {
  type?: string;
  properties?: Record<string, Shape>;
  required?: string[];
  items?: Shape;
  default?: unknown;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  /** CEL rules other than a plain `self.matches(...)`, which counts as a pattern. */
  rules?: string[];
}

type JsonObject = Record<string, unknown>;

/**
 * Checks the API server makes and the parser deliberately leaves to it: a stricter parser would
 * skip an Account the server accepted. Each entry must match the CRD exactly.
 */
const LEFT_TO_THE_API_SERVER: Record<string, Pick<Shape, "format" | "rules">> = {
  status: {
    rules: ["!has(self.disabled) || !self.disabled || (has(self.disabledAt) && has(self.disabledReason))"],
  },
  "status.disabledAt": { format: "date-time" },
  "status.quota.lastUpdated": { format: "date-time" },
  "status.observedGeneration": { format: "int64" },
  "status.conditions[].observedGeneration": { format: "int64" },
  "status.conditions[].lastTransitionTime": { format: "date-time" },
};

/** Keywords that document or tune list handling but constrain no value the parser sees. */
const DESCRIPTIVE = new Set([
  "description",
  "$schema",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
]);
const COPIED = [
  "type",
  "default",
  "minLength",
  "maxLength",
  "maxItems",
  "minimum",
  "maximum",
  "format",
] as const;
const HANDLED = new Set<string>([
  ...COPIED,
  "properties",
  "required",
  "items",
  "enum",
  "pattern",
  "x-kubernetes-validations",
]);

class UnknownKeyword extends Error {
  constructor(path: string, key: string) {
    super(`${path || "(root)"}: no rule compares "${key}"; teach normalize() what it means`);
    this.name = "UnknownKeyword";
  }
}

/** A JavaScript regex source escapes "/" only because of the literal syntax; the CRD need not. */
function samePatternText(pattern: string): string {
  return pattern.replace(/\\\//g, "/");
}

/** `self.matches('…')` with CEL's string escapes undone, or undefined for any other rule. */
function celPattern(rule: string): string | undefined {
  const match = /^self\.matches\('((?:[^'\\]|\\.)*)'\)$/.exec(rule);
  return match?.[1]?.replace(/\\(.)/g, "$1");
}

function addRules(shape: Shape, node: JsonObject, path: string): void {
  for (const entry of (node["x-kubernetes-validations"] ?? []) as { rule: string }[]) {
    const pattern = celPattern(entry.rule);
    if (pattern === undefined) shape.rules = [...(shape.rules ?? []), entry.rule].sort();
    else if (shape.pattern !== undefined) throw new Error(`${path}: both a pattern and a matches() rule`);
    else shape.pattern = samePatternText(pattern);
  }
}

/** The normal form of one JSON-schema node, from the CRD or from the valibot conversion. */
function normalize(node: JsonObject, path: string): Shape {
  const shape: Shape = {};
  for (const key of Object.keys(node)) {
    if (!DESCRIPTIVE.has(key) && !HANDLED.has(key)) throw new UnknownKeyword(path, key);
  }
  for (const key of COPIED) if (node[key] !== undefined) Object.assign(shape, { [key]: node[key] });
  if (typeof node.pattern === "string") shape.pattern = samePatternText(node.pattern);
  if (Array.isArray(node.enum)) shape.enum = [...node.enum].sort();
  const required = (node.required ?? []) as string[];
  if (required.length > 0) shape.required = [...required].sort();
  if (node.properties !== undefined) {
    shape.properties = Object.fromEntries(
      Object.entries(node.properties as Record<string, JsonObject>).map(([name, child]) => [
        name,
        normalize(child, path === "" ? name : `${path}.${name}`),
      ]),
    );
  }
  if (node.items !== undefined) shape.items = normalize(node.items as JsonObject, `${path}[]`);
  addRules(shape, node, path);
  return shape;
}

/** The shape at a dotted path ("status.conditions[].reason"), or undefined. */
function at(shape: Shape, path: string): Shape | undefined {
  let current: Shape | undefined = shape;
  for (const part of path.split(".")) {
    const name = part.replace(/\[\]$/, "");
    current = current?.properties?.[name];
    if (part.endsWith("[]")) current = current?.items;
  }
  return current;
}

/** The valibot side, with what it leaves to the API server added where the CRD must have it. */
function valibotShape(schema: v.GenericSchema): Shape {
  const shape = normalize(toJsonSchema(schema) as JsonObject, "");
  for (const [path, extra] of Object.entries(LEFT_TO_THE_API_SERVER)) {
    const node = at(shape, path);
    if (node === undefined) throw new Error(`${path}: the valibot schema has no such field`);
    if (extra.format !== undefined && node.format !== undefined)
      throw new Error(`${path}: valibot checks its format now; drop it from LEFT_TO_THE_API_SERVER`);
    Object.assign(node, extra);
  }
  return shape;
}

function readCrdSchema(): JsonObject {
  const crd = parse(readFileSync(CRD_FILE, "utf8")) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: JsonObject } }[] };
  };
  const version = crd.spec.versions[0];
  if (version === undefined) throw new Error("the CRD has no version");
  return version.schema.openAPIV3Schema;
}

function crdShape(schema: JsonObject = readCrdSchema()): Shape {
  return normalize(schema, "");
}

/** spec and status in full; at the top level the names and types (metadata is the API server's). */
function comparable(shape: Shape): Shape {
  const properties = shape.properties ?? {};
  return {
    ...(shape.type === undefined ? {} : { type: shape.type }),
    properties: Object.fromEntries(
      Object.entries(properties).map(([name, child]) => [
        name,
        name === "metadata" ? { ...(child.type === undefined ? {} : { type: child.type }) } : child,
      ]),
    ),
    // The CRD leaves metadata to the API server, which sets it on every object; the parser requires it.
    required: (shape.required ?? []).filter((name) => name !== "metadata"),
  };
}

describe("the Account CRD and the valibot AccountResource", () => {
  test("agree on spec and status: names, types, required, defaults, enums, bounds, patterns, formats, rules", () => {
    expect(comparable(crdShape())).toEqual(comparable(valibotShape(AccountResource)));
  });

  test("names the group, version, kind and plural the code uses", () => {
    const crd = parse(readFileSync(CRD_FILE, "utf8")) as {
      spec: { group: string; names: { kind: string; plural: string }; versions: { name: string }[] };
    };
    expect([crd.spec.group, crd.spec.versions[0]?.name, crd.spec.names.kind, crd.spec.names.plural]).toEqual([
      ACCOUNT_GROUP,
      ACCOUNT_VERSION,
      ACCOUNT_KIND,
      ACCOUNT_PLURAL,
    ]);
  });
});

/** Whether the two sides agree, differ, or one uses a keyword the normal form does not know. */
function verdict(crd: JsonObject, schema: v.GenericSchema): "agree" | "differ" | "unknown" {
  try {
    const same = Bun.deepEquals(comparable(crdShape(crd)), comparable(valibotShape(schema)), true);
    return same ? "agree" : "differ";
  } catch (error) {
    if (error instanceof UnknownKeyword) return "unknown";
    throw error;
  }
}

/** The AccountResource with spec or status replaced, as a change to the TypeScript side alone would. */
function resourceWith(spec: v.GenericSchema, status: v.GenericSchema): v.GenericSchema {
  return v.object({ ...AccountResource.entries, spec, status: v.optional(status) });
}

function nodeAt(schema: JsonObject, path: string): JsonObject {
  let current = schema;
  for (const part of path.split(".")) {
    const child = (current.properties as Record<string, JsonObject>)[part.replace(/\[\]$/, "")] as JsonObject;
    current = part.endsWith("[]") ? (child.items as JsonObject) : child;
  }
  return current;
}

const set =
  (path: string, values: JsonObject) =>
  (schema: JsonObject): void => {
    Object.assign(nodeAt(schema, path), values);
  };
const drop =
  (path: string, key: string) =>
  (schema: JsonObject): void => {
    delete nodeAt(schema, path)[key];
  };

const crdEdits: [string, (schema: JsonObject) => void][] = [
  ["a longer disabledReason", set("status.disabledReason", { maxLength: 801 })],
  ["no default for secretRef.key", drop("spec.secretRef.key", "default")],
  [
    "another status field",
    (s) => Object.assign(nodeAt(s, "status").properties as JsonObject, { x: { type: "string" } }),
  ],
  [
    "a condition without a required reason",
    set("status.conditions[]", { required: ["type", "status", "lastTransitionTime", "message"] }),
  ],
  ["another set of condition statuses", set("status.conditions[].status", { enum: ["True", "False"] })],
  ["a looser email rule", set("spec.email", { "x-kubernetes-validations": [{ rule: "self.matches('@')" }] })],
  ["proxyDisabled as a string", set("spec.proxyDisabled", { type: "string" })],
  [
    "a condition observedGeneration without its minimum",
    drop("status.conditions[].observedGeneration", "minimum"),
  ],
  ["disabledAt without the date-time format", drop("status.disabledAt", "format")],
  ["without the rule that a disabled Account says when and why", drop("status", "x-kubernetes-validations")],
];

const { email: _email, ...specWithoutEmail } = AccountSpec.entries;
const valibotEdits: [string, v.GenericSchema][] = [
  [
    "proxyDisabled without its default",
    resourceWith(v.object({ ...AccountSpec.entries, proxyDisabled: v.optional(v.boolean()) }), AccountStatus),
  ],
  [
    "an email without its pattern",
    resourceWith(
      v.object({ ...AccountSpec.entries, email: v.optional(v.pipe(v.string(), v.maxLength(320))) }),
      AccountStatus,
    ),
  ],
  ["no spec.email", resourceWith(v.object(specWithoutEmail), AccountStatus)],
  [
    "a condition reason of another pattern",
    resourceWith(
      AccountSpec,
      v.object({
        ...AccountStatus.entries,
        conditions: v.optional(
          v.array(v.object({ ...Condition.entries, reason: v.pipe(v.string(), v.regex(/^[A-Z]+$/)) })),
        ),
      }),
    ),
  ],
  [
    "a required disabledReason",
    resourceWith(AccountSpec, v.object({ ...AccountStatus.entries, disabledReason: v.string() })),
  ],
];

describe("the agreement check", () => {
  test.each(crdEdits)("fails when only the CRD changes: %s", (_what, edit) => {
    const schema = structuredClone(readCrdSchema());
    edit(schema);
    expect(verdict(schema, AccountResource)).toBe("differ");
  });

  test("fails on a CRD keyword it does not know, rather than ignoring it", () => {
    const schema = structuredClone(readCrdSchema());
    set("status.conditions", { uniqueItems: true })(schema);
    expect(verdict(schema, AccountResource)).toBe("unknown");
  });

  test.each(valibotEdits)("fails when only the valibot schema changes: %s", (_what, schema) => {
    expect(verdict(readCrdSchema(), schema)).toBe("differ");
  });
});
