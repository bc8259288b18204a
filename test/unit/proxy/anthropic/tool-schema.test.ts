import { describe, expect, test } from "bun:test";
import { MAX_REF_DEPTH, toGeminiJsonSchema } from "../../../../src/proxy/translation/tool-schema.ts";

/** An object schema with one property `p` of this schema. */
const prop = (schema: unknown) => ({ type: "object", properties: { p: schema } });

/** input_schema → parametersJsonSchema. */
const SCHEMAS: [string, unknown, unknown][] = [
  [
    "Claude Code's Read tool: $schema dropped, the rest kept",
    {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        file_path: { type: "string", description: "The absolute path" },
        offset: { type: "number", minimum: 0 },
        limit: { type: "integer", exclusiveMinimum: 0, maximum: 2000 },
      },
      required: ["file_path"],
      additionalProperties: false,
    },
    {
      type: "object",
      properties: {
        file_path: { type: "string", description: "The absolute path" },
        offset: { type: "number", minimum: 0 },
        limit: { type: "integer", minimum: 1, maximum: 2000 },
      },
      required: ["file_path"],
      additionalProperties: false,
    },
  ],
  [
    "$ref into $defs inlined, the referring node's annotations on top",
    {
      type: "object",
      properties: { mode: { $ref: "#/$defs/Mode", description: "how" } },
      $defs: { Mode: { type: "string", description: "inner", enum: ["a", "b"] } },
    },
    { type: "object", properties: { mode: { type: "string", description: "how", enum: ["a", "b"] } } },
  ],
  [
    "$ref into draft-7 definitions, with JSON pointer escapes",
    {
      type: "object",
      properties: { p: { $ref: "#/definitions/a~1b~0c" } },
      definitions: { "a/b~c": { type: "boolean" } },
    },
    prop({ type: "boolean" }),
  ],
  [
    "a remote, malformed or dangling $ref → any value",
    {
      type: "object",
      properties: {
        remote: { $ref: "https://example.com/s.json" },
        bare: { $ref: "Thing" },
        dangling: { $ref: "#/$defs/Nothing", title: "T" },
        percent: { $ref: "#/$defs/%E0%A4%A" },
      },
    },
    { type: "object", properties: { remote: {}, bare: {}, dangling: { title: "T" }, percent: {} } },
  ],
  [
    "oneOf → anyOf",
    prop({ oneOf: [{ type: "string" }, { type: "integer" }] }),
    prop({ anyOf: [{ type: "string" }, { type: "integer" }] }),
  ],
  [
    "type beside anyOf moves into the branches that have none",
    prop({ type: "string", anyOf: [{ format: "date" }, { type: "number" }] }),
    prop({ anyOf: [{ format: "date", type: "string" }, { type: "number" }] }),
  ],
  [
    "allOf merged into its parent: properties and required unioned",
    prop({
      allOf: [
        { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
        { properties: { b: { type: "number" } }, required: ["b", "c"] },
      ],
    }),
    prop({
      type: "object",
      properties: { a: { type: "string" }, b: { type: "number" } },
      required: ["a", "b"],
    }),
  ],
  [
    "allOf adding required names to the parent's own properties",
    { type: "object", properties: { a: { type: "string" } }, allOf: [{ required: ["a"] }] },
    { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
  ],
  [
    "additionalProperties as a schema, cleaned",
    prop({ type: "object", additionalProperties: { type: ["string", "null"], format: "uri" } }),
    prop({ type: "object", additionalProperties: { type: "string" } }),
  ],
  [
    "Gemini's formats kept, others dropped",
    {
      type: "object",
      properties: {
        when: { type: "string", format: "date-time" },
        day: { type: "string", format: "date" },
        n: { type: "integer", format: "int64" },
        url: { type: "string", format: "uri" },
        mail: { type: "string", format: "email" },
      },
    },
    {
      type: "object",
      properties: {
        when: { type: "string", format: "date-time" },
        day: { type: "string", format: "date" },
        n: { type: "integer", format: "int64" },
        url: { type: "string" },
        mail: { type: "string" },
      },
    },
  ],
  [
    "exclusive bounds: 2020-12 numbers and draft-4 booleans",
    {
      type: "object",
      properties: {
        i: { type: "integer", exclusiveMinimum: 0, exclusiveMaximum: 10 },
        f: { type: "integer", exclusiveMinimum: 0.5, exclusiveMaximum: 9.5 },
        x: { type: "number", exclusiveMinimum: 0.5, exclusiveMaximum: 2 },
        tighter: { type: "integer", minimum: 5, exclusiveMinimum: 1 },
        d4: { type: "integer", minimum: 0, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: true },
        nullable: { type: ["integer", "null"], exclusiveMinimum: 0 },
      },
    },
    {
      type: "object",
      properties: {
        i: { type: "integer", minimum: 1, maximum: 9 },
        f: { type: "integer", minimum: 1, maximum: 9 },
        x: { type: "number", minimum: 0.5, maximum: 2 },
        tighter: { type: "integer", minimum: 5 },
        d4: { type: "integer", minimum: 1, maximum: 8 },
        nullable: { type: "integer", minimum: 1 },
      },
    },
  ],
  [
    "type lists: one type without null, several as anyOf, only null as null",
    {
      type: "object",
      properties: {
        a: { type: ["string", "null"] },
        b: { type: ["string", "number", "bogus"] },
        c: { type: ["null"] },
        d: { type: "bogus" },
      },
    },
    {
      type: "object",
      properties: {
        a: { type: "string" },
        b: { anyOf: [{ type: "string" }, { type: "number" }] },
        c: { type: "null" },
        d: {},
      },
    },
  ],
  [
    "const → a one-value enum; enums of one kind kept, without null; mixed enums dropped",
    {
      type: "object",
      properties: {
        s: { const: "x" },
        n: { const: 3 },
        b: { const: true },
        e: { enum: ["a", null, "b"] },
        m: { enum: ["a", 1] },
        nums: { type: "integer", enum: [1, 2] },
      },
    },
    {
      type: "object",
      properties: {
        s: { enum: ["x"] },
        n: { enum: [3] },
        b: {},
        e: { enum: ["a", "b"] },
        m: {},
        nums: { type: "integer", enum: [1, 2] },
      },
    },
  ],
  [
    "patterns RE2 cannot compile (look-around, back-references) dropped",
    {
      type: "object",
      properties: {
        ok: { type: "string", pattern: "^[a-z]+(\\.[a-z]+)*$" },
        ahead: { type: "string", pattern: "^(?!tmp)" },
        behind: { type: "string", pattern: "(?<=a)b" },
        notBehind: { type: "string", pattern: "(?<!a)b" },
        backref: { type: "string", pattern: "(a)\\1" },
        named: { type: "string", pattern: "(?<q>a)\\k<q>" },
      },
    },
    {
      type: "object",
      properties: {
        ok: { type: "string", pattern: "^[a-z]+(\\.[a-z]+)*$" },
        ahead: { type: "string" },
        behind: { type: "string" },
        notBehind: { type: "string" },
        backref: { type: "string" },
        named: { type: "string" },
      },
    },
  ],
  [
    "keywords outside Gemini's subset dropped",
    prop({
      $id: "x",
      $comment: "c",
      type: "object",
      not: { type: "null" },
      if: { properties: {} },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's keyword, not a promise
      then: {},
      else: {},
      patternProperties: { "^x": {} },
      propertyNames: { maxLength: 3 },
      examples: [{}],
      nullable: true,
      "x-vendor": 1,
      minProperties: 1,
      maxProperties: -1,
    }),
    prop({ type: "object", minProperties: 1 }),
  ],
  [
    "arrays: items cleaned, tuple items and missing items → any value",
    {
      type: "object",
      properties: {
        list: {
          type: "array",
          items: { type: "string", minLength: 1 },
          minItems: 1,
          maxItems: 5,
          uniqueItems: true,
        },
        tuple: { type: "array", items: [{ type: "string" }], prefixItems: [{ type: "string" }] },
        bare: { type: "array" },
      },
    },
    {
      type: "object",
      properties: {
        list: { type: "array", items: { type: "string", minLength: 1 }, minItems: 1, maxItems: 5 },
        tuple: { type: "array", items: {} },
        bare: { type: "array", items: {} },
      },
    },
  ],
  [
    "required keeps only declared names, once",
    { type: "object", properties: { a: {} }, required: ["a", "b", "a", 3] },
    { type: "object", properties: { a: {} }, required: ["a"] },
  ],
  [
    "boolean subschemas and annotations of other types",
    {
      type: "object",
      properties: { t: true, f: false, x: { description: 3, title: "X", default: { k: 1 } } },
    },
    { type: "object", properties: { t: {}, f: {}, x: { title: "X", default: { k: 1 } } } },
  ],
  ["no schema at all", undefined, { type: "object", properties: {} }],
  ["a schema that is a list", [{ type: "object" }], { type: "object", properties: {} }],
  [
    "a root without type",
    { properties: { a: { type: "string" } } },
    { type: "object", properties: { a: { type: "string" } } },
  ],
  [
    "a root of another type",
    { type: "string", description: "d" },
    { type: "object", description: "d", properties: {} },
  ],
  [
    "a root union of objects, merged into one object",
    {
      description: "either",
      anyOf: [
        { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
        { type: "object", properties: { b: { type: "number" } } },
      ],
    },
    { type: "object", description: "either", properties: { a: { type: "string" }, b: { type: "number" } } },
  ],
  [
    "a nullable root object",
    { type: ["object", "null"], properties: {} },
    { type: "object", properties: {} },
  ],
];

/** The `child` properties of a cleaned recursive schema, outermost first. */
function children(schema: unknown): unknown[] {
  const found: unknown[] = [];
  let at = schema as { properties?: { child?: unknown } };
  while (at.properties?.child !== undefined) {
    found.push(at.properties.child);
    at = at.properties.child as typeof at;
  }
  return found;
}

function nodeCount(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  return 1 + Object.values(value).reduce<number>((sum, inner) => sum + nodeCount(inner), 0);
}

describe("tool input schemas", () => {
  test.each(SCHEMAS)("%s", (_name, input, expected) => {
    expect(toGeminiJsonSchema(input)).toEqual(expected as Record<string, unknown>);
  });

  test("a recursive schema is cut after a fixed number of expansions", () => {
    const tree = {
      type: "object",
      properties: { name: { type: "string" }, child: { $ref: "#" } },
    };
    const viaDefs = {
      $ref: "#/$defs/Node",
      $defs: { Node: { type: "object", properties: { child: { $ref: "#/$defs/Node" } } } },
    };
    const expanded = children(toGeminiJsonSchema(tree));
    expect(expanded).toHaveLength(MAX_REF_DEPTH + 1);
    expect(expanded.at(-1)).toEqual({});
    expect(expanded.at(-2)).toEqual({ type: "object", properties: { name: { type: "string" }, child: {} } });
    // The root's own $ref is one of the expansions.
    const viaDefsExpanded = children(toGeminiJsonSchema(viaDefs));
    expect(viaDefsExpanded).toHaveLength(MAX_REF_DEPTH);
    expect(viaDefsExpanded.at(-1)).toEqual({});
  });

  test("a schema whose references fan out stays small", () => {
    const props = (ref: string) =>
      Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, { $ref: ref }]));
    const schema = {
      type: "object",
      properties: props("#/$defs/A"),
      $defs: {
        A: { type: "object", properties: props("#/$defs/B") },
        B: { type: "object", properties: props("#/$defs/C") },
        C: { type: "object", properties: props("#/$defs/D") },
        D: { type: "object", properties: props("#/$defs/A") },
      },
    };
    expect(nodeCount(toGeminiJsonSchema(schema))).toBeLessThan(12_000);
  });

  test("nesting beyond the limit becomes any value", () => {
    let deep: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 100; i++) deep = { type: "object", properties: { p: deep } };
    const text = JSON.stringify(toGeminiJsonSchema(deep));
    expect(text).not.toContain('"string"');
    expect(text.split('"properties"').length - 1).toBeLessThanOrEqual(33);
  });

  test("a property named __proto__ is kept as a property, in properties and in a merged root anyOf", () => {
    const schema = JSON.parse(
      '{"type":"object","properties":{"__proto__":{"type":"string"},"b":{"type":"integer"}},"required":["__proto__"]}',
    ) as unknown;
    const out = toGeminiJsonSchema(schema);
    expect(JSON.stringify(out)).toBe(
      '{"type":"object","properties":{"__proto__":{"type":"string"},"b":{"type":"integer"}},"required":["__proto__"]}',
    );
    const union = JSON.parse(
      '{"anyOf":[{"type":"object","properties":{"__proto__":{"type":"string"}}},{"type":"object","properties":{"c":{"type":"number"}}}]}',
    ) as unknown;
    expect(JSON.stringify(toGeminiJsonSchema(union))).toBe(
      '{"type":"object","properties":{"__proto__":{"type":"string"},"c":{"type":"number"}}}',
    );
  });
});
