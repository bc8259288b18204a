/**
 * A tool's `input_schema` (JSON Schema, Claude Code sends draft 2020-12) → the schema grantpool
 * sends as Gemini's `parametersJsonSchema`.
 *
 * Gemini takes JSON Schema there, but only a subset, and it refuses rather than ignores some of
 * the rest: a `$ref` into `$defs` that it does not resolve ("reference to undefined schema"),
 * `type` beside `anyOf`, formats other than its own, regular expressions RE2 cannot compile. The
 * goal is that no schema feature ever causes a 400, so this keeps an allow-list of keywords and
 * rewrites the rest:
 *
 * - kept: `type`, `title`, `description`, `properties`, `required` (only names that exist),
 *   `additionalProperties`, `items`, `anyOf`, `enum` (all strings or all numbers), `default`,
 *   `minimum`/`maximum`, the length, item and property counts, `format` (Gemini's own formats),
 *   `pattern` (without look-around or back-references);
 * - rewritten: local `$ref` (`#`, `#/$defs/…`, `#/definitions/…`, any JSON pointer into the
 *   document) inlined, at most {@link MAX_REF_DEPTH} references deep; `oneOf` → `anyOf`; `allOf`
 *   merged into its parent; `const` → a one-value `enum`; `exclusiveMinimum`/`exclusiveMaximum`
 *   → `minimum`/`maximum` (+1 for integers); a type list → one type (dropping `"null"`) or an
 *   `anyOf` of types; `type` moved into the branches when `anyOf` is present; an array without
 *   `items` gets `items: {}`;
 * - dropped: everything else (`$schema`, `$id`, `$defs`, `not`, `if`/`then`/`else`,
 *   `patternProperties`, `prefixItems`, `examples`, `nullable`, vendor extensions…).
 *
 * A subschema that cannot be expressed becomes `{}` (any value): a looser schema costs a little
 * guidance, a refused request costs the whole turn.
 */
import { isRecord } from "./is-record.ts";

/** How many `$ref`s may be expanded inside one another (recursive schemas are cut there). */
export const MAX_REF_DEPTH = 4;
/** Nesting beyond this becomes `{}`. */
const MAX_DEPTH = 32;
/** Nodes one tool schema may produce: a guard against `$ref` fan-out growing exponentially. */
const MAX_NODES = 5000;

const TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);
const FORMATS = new Set(["date-time", "date", "time", "int32", "int64", "float", "double"]);
const COUNTS = ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"] as const;
/** Constructs RE2 (Gemini's regular expressions) refuses. */
const NOT_RE2 = /\(\?<?[=!]|\\[1-9]|\\k</;

type Schema = Record<string, unknown>;

interface Walk {
  readonly root: Schema;
  nodes: number;
}

/** Gemini's function parameters for a tool's `input_schema`; always an object schema. */
export function toGeminiJsonSchema(inputSchema: unknown): Schema {
  if (!isRecord(inputSchema)) return { type: "object", properties: {} };
  const walk: Walk = { root: inputSchema, nodes: 0 };
  const schema = clean(inputSchema, walk, 0, 0);
  if (schema.type === "object") return schema;
  if (schema.type === undefined && schema.anyOf === undefined) return { type: "object", ...schema };
  return objectRoot(schema);
}

/** A property of any name, `__proto__` included (an assignment would set the prototype instead). */
function setOwn(object: Schema, name: string, value: unknown): void {
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Gemini wants the parameters to be an object: an `anyOf` of objects at the root is merged. */
function objectRoot(schema: Schema): Schema {
  const root: Schema = { type: "object" };
  if (typeof schema.description === "string") root.description = schema.description;
  const properties: Schema = isRecord(schema.properties) ? { ...schema.properties } : {};
  if (Array.isArray(schema.anyOf)) {
    for (const branch of schema.anyOf) {
      if (!isRecord(branch) || !isRecord(branch.properties)) continue;
      for (const [name, child] of Object.entries(branch.properties)) setOwn(properties, name, child);
    }
  } else if (Array.isArray(schema.required)) {
    root.required = schema.required;
  }
  root.properties = properties;
  return root;
}

function clean(node: unknown, walk: Walk, depth: number, refDepth: number): Schema {
  walk.nodes++;
  if (!isRecord(node) || depth > MAX_DEPTH || walk.nodes > MAX_NODES) return {};
  if (typeof node.$ref === "string") return inlineRef(node, walk, depth, refDepth);
  const out: Schema = {};
  copyAnnotations(node, out);
  copyType(node, out);
  copyValues(node, out);
  copyBounds(node, out);
  copyStructure(node, out, walk, depth, refDepth);
  if (node.allOf !== undefined) mergeAllOf(node.allOf, out, walk, depth, refDepth);
  if (out.required !== undefined) {
    const { properties } = out;
    const required = isRecord(properties)
      ? (out.required as string[]).filter((name) => Object.hasOwn(properties, name))
      : [];
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  if (Array.isArray(out.anyOf) && typeof out.type === "string") {
    const type = out.type;
    delete out.type;
    for (const branch of out.anyOf as Schema[])
      if (branch.type === undefined && branch.anyOf === undefined) branch.type = type;
  }
  if (out.type === "array" && out.items === undefined) out.items = {};
  return out;
}

/** `{$ref, …siblings}`: the target, cleaned, with the siblings' annotations on top. */
function inlineRef(node: Schema, walk: Walk, depth: number, refDepth: number): Schema {
  const target = refDepth < MAX_REF_DEPTH ? resolvePointer(walk.root, node.$ref as string) : undefined;
  const out = target === undefined ? {} : clean(target, walk, depth + 1, refDepth + 1);
  copyAnnotations(node, out);
  return out;
}

/** A local reference (`#…`) into the document, or undefined (remote, malformed, or missing). */
function resolvePointer(root: Schema, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  if (ref === "#" || ref === "#/") return root;
  if (!ref.startsWith("#/")) return undefined;
  let at: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    let key: string;
    try {
      key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    } catch {
      return undefined;
    }
    if (Array.isArray(at)) at = at[Number(key)];
    else if (isRecord(at) && Object.hasOwn(at, key)) at = at[key];
    else return undefined;
  }
  return at;
}

function copyAnnotations(node: Schema, out: Schema): void {
  if (typeof node.title === "string") out.title = node.title;
  if (typeof node.description === "string") out.description = node.description;
  if (node.default !== undefined) out.default = node.default;
}

function copyType(node: Schema, out: Schema): void {
  const { type } = node;
  if (typeof type === "string") {
    if (TYPES.has(type)) out.type = type;
    return;
  }
  if (!Array.isArray(type)) return;
  const types = [...new Set(type.filter((t): t is string => typeof t === "string" && TYPES.has(t)))];
  const present = types.filter((t) => t !== "null");
  if (present.length === 1) out.type = present[0];
  else if (present.length > 1) out.anyOf = present.map((t) => ({ type: t }));
  else if (types.length === 1) out.type = "null";
}

function copyValues(node: Schema, out: Schema): void {
  const values = Array.isArray(node.enum)
    ? node.enum.filter((v) => v !== null)
    : typeof node.const === "string" || typeof node.const === "number"
      ? [node.const]
      : undefined;
  if (values !== undefined && values.length > 0) {
    const strings = values.every((v) => typeof v === "string");
    if (strings || values.every((v) => typeof v === "number" && Number.isFinite(v))) out.enum = values;
  }
  if (typeof node.format === "string" && FORMATS.has(node.format)) out.format = node.format;
  if (typeof node.pattern === "string" && node.pattern.length <= 1000 && !NOT_RE2.test(node.pattern)) {
    out.pattern = node.pattern;
  }
}

const finite = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** Whether the node allows only integers (and maybe null): `"integer"` or `["integer", "null"]`. */
function integerOnly(type: unknown): boolean {
  const types = Array.isArray(type) ? type.filter((t) => t !== "null") : [type];
  return types.length > 0 && types.every((t) => t === "integer");
}

function copyBounds(node: Schema, out: Schema): void {
  const step = integerOnly(node.type) ? 1 : 0;
  if (finite(node.minimum)) out.minimum = node.minimum;
  if (finite(node.maximum)) out.maximum = node.maximum;
  // 2020-12 has numbers here; draft 4 had booleans that made minimum/maximum exclusive.
  if (finite(node.exclusiveMinimum)) {
    const bound = step === 1 ? Math.floor(node.exclusiveMinimum) + 1 : node.exclusiveMinimum;
    if (!finite(out.minimum) || bound > out.minimum) out.minimum = bound;
  } else if (node.exclusiveMinimum === true && finite(out.minimum)) {
    out.minimum += step;
  }
  if (finite(node.exclusiveMaximum)) {
    const bound = step === 1 ? Math.ceil(node.exclusiveMaximum) - 1 : node.exclusiveMaximum;
    if (!finite(out.maximum) || bound < out.maximum) out.maximum = bound;
  } else if (node.exclusiveMaximum === true && finite(out.maximum)) {
    out.maximum -= step;
  }
  for (const key of COUNTS) {
    const value = node[key];
    if (typeof value === "number" && Number.isInteger(value) && value >= 0) out[key] = value;
  }
}

function copyStructure(node: Schema, out: Schema, walk: Walk, depth: number, refDepth: number): void {
  if (isRecord(node.properties)) {
    const properties: Schema = {};
    for (const [name, child] of Object.entries(node.properties)) {
      setOwn(properties, name, clean(child, walk, depth + 1, refDepth));
    }
    out.properties = properties;
  }
  if (Array.isArray(node.required)) {
    const names = node.required.filter((name): name is string => typeof name === "string");
    if (names.length > 0) out.required = [...new Set(names)];
  }
  if (typeof node.additionalProperties === "boolean") out.additionalProperties = node.additionalProperties;
  else if (isRecord(node.additionalProperties)) {
    out.additionalProperties = clean(node.additionalProperties, walk, depth + 1, refDepth);
  }
  if (isRecord(node.items)) out.items = clean(node.items, walk, depth + 1, refDepth);
  else if (Array.isArray(node.items) || node.items === true) out.items = {};
  const union = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  if (union !== undefined && union.length > 0) {
    const branches = union.map((branch) => clean(branch, walk, depth + 1, refDepth));
    if (out.anyOf === undefined) out.anyOf = branches;
  }
}

/** `allOf`: each branch's keywords join the parent; properties and required lists are unioned. */
function mergeAllOf(allOf: unknown, out: Schema, walk: Walk, depth: number, refDepth: number): void {
  if (!Array.isArray(allOf)) return;
  for (const raw of allOf) {
    const branch = clean(raw, walk, depth + 1, refDepth);
    // A branch may only add `required` names for properties declared elsewhere.
    if (isRecord(raw) && Array.isArray(raw.required)) {
      branch.required = raw.required.filter((name) => typeof name === "string");
    }
    for (const [key, value] of Object.entries(branch)) mergeKeyword(out, key, value);
  }
}

function mergeKeyword(out: Schema, key: string, value: unknown): void {
  if (key === "properties" && isRecord(value)) {
    out.properties = { ...(isRecord(out.properties) ? out.properties : {}), ...value };
  } else if (key === "required" && Array.isArray(value)) {
    const required = Array.isArray(out.required) ? (out.required as unknown[]) : [];
    out.required = [...new Set([...required, ...value])];
  } else if (out[key] === undefined) {
    out[key] = value;
  }
}
