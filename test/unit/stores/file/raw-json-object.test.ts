import { describe, expect, test } from "bun:test";
import { checkJsonSyntax, JsonSyntaxError } from "../../../../src/stores/file/json-scanner.ts";
import { readRawMembers, renderRawObject } from "../../../../src/stores/file/raw-json-object.ts";

const SAMPLE = String.raw`{"x": 1.0, "big": 12345678901234567890123, "s": "\u00e9", "nested": {"a": [1, 2.50]}}`;

describe("raw JSON object editor", () => {
  test("finds each member's key and raw value text", () => {
    expect(readRawMembers(SAMPLE)).toEqual([
      { key: "x", rawKey: `"x"`, rawValue: "1.0" },
      { key: "big", rawKey: `"big"`, rawValue: "12345678901234567890123" },
      { key: "s", rawKey: `"s"`, rawValue: String.raw`"\u00e9"` },
      { key: "nested", rawKey: `"nested"`, rawValue: `{"a": [1, 2.50]}` },
    ]);
  });

  test("re-emits the members pretty-printed with their values unchanged", () => {
    expect(renderRawObject(readRawMembers(SAMPLE))).toBe(String.raw`{
  "x": 1.0,
  "big": 12345678901234567890123,
  "s": "\u00e9",
  "nested": {"a": [1, 2.50]}
}`);
  });

  test("decodes escaped keys and keeps strings holding braces, quotes and commas whole", () => {
    const text = String.raw`{ "\u0069d" : "a}\"b,c" ,"e":[{"f":"]"}] ,"g":-0.5e-3,"h":true,"i":null }`;
    expect(readRawMembers(text).map((m) => [m.key, m.rawValue])).toEqual([
      ["id", String.raw`"a}\"b,c"`],
      ["e", `[{"f":"]"}]`],
      ["g", "-0.5e-3"],
      ["h", "true"],
      ["i", "null"],
    ]);
  });

  test("renders an empty object compactly and nested objects at their depth", () => {
    expect(renderRawObject([])).toBe("{}");
    expect(renderRawObject([{ rawKey: `"a"`, rawValue: "1" }], 1)).toBe(`{\n    "a": 1\n  }`);
  });
});

describe("JSON syntax check", () => {
  const position = (text: string): string => {
    try {
      checkJsonSyntax(text);
    } catch (error) {
      expect(error).toBeInstanceOf(JsonSyntaxError);
      return (error as Error).message;
    }
    throw new Error("expected a syntax error");
  };

  test("accepts exactly what JSON accepts", () => {
    for (const text of [SAMPLE, "[]", " 0 ", `"\\ud83d\\ude00"`, "-1.5E+10", "[true,false,null]"]) {
      expect(() => checkJsonSyntax(text)).not.toThrow();
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  test("rejects what JSON rejects, by line and column", () => {
    expect(position(`{"a": 1,}`)).toBe(`Unexpected "}" at line 1, column 9`);
    expect(position(`{"a": 01}`)).toBe(`Unexpected character at line 1, column 8`);
    expect(position(`{"a": 1.}`)).toBe(`Unexpected "}" at line 1, column 9`);
    expect(position(`{"a": "\\x"}`)).toBe("Invalid escape in string at line 1, column 8");
    expect(position(`{"a":\n "b\tc"}`)).toBe("Control character in string at line 2, column 4");
    expect(position(`{"a": tru}`)).toBe("Unexpected character at line 1, column 7");
    expect(position(`{"a": 1} x`)).toBe("Unexpected character at line 1, column 10");
    expect(position("")).toBe("Unexpected end of JSON at line 1, column 1");
    expect(position("[".repeat(300))).toBe("Nesting too deep at line 1, column 258");
  });
});
