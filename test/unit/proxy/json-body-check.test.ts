/**
 * The two ways a body is judged (read-body.ts): checked as it will be sent on (the Gemini-native
 * routes' bodies pass through as bytes), or parsed where grantpool must read it. Both insist on
 * UTF-8; they differ only on a leading byte order mark, which goes on with a body sent as it came.
 */
import { describe, expect, test } from "bun:test";
import { checkJsonObject, parseJsonObject } from "../../../src/proxy/read-body.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);
const BOM = [0xef, 0xbb, 0xbf];
const withBom = (text: string) => new Uint8Array([...BOM, ...utf8(text)]);

describe("a body checked to pass through", () => {
  test("is accepted as one object in UTF-8, whatever its strings hold", () => {
    expect(checkJsonObject(utf8('{"text":"naïve \\"[{\\" ✓ 𝄞","n":[1,{"a":null}]}')).ok).toBe(true);
  });

  test("is refused when it is not UTF-8, with the reason", () => {
    expect(
      checkJsonObject(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d])),
    ).toEqual({
      ok: false,
      error: "request body is not valid UTF-8",
    });
  });

  test("is refused when a byte order mark precedes the object: it would go upstream with it", () => {
    expect(checkJsonObject(withBom('{"a":1}')).ok).toBe(false);
  });
});

describe("a body parsed", () => {
  test("may start with a byte order mark, which the parser ignores (RFC 8259 §8.1)", () => {
    expect(parseJsonObject(withBom('{"a":1}'))).toEqual({ ok: true, value: { a: 1 } });
  });

  test("is refused when it is not UTF-8 before its depth is looked at", () => {
    const deepAndBroken = new Uint8Array([...utf8('{"a":'.repeat(200)), 0xff]);
    expect(parseJsonObject(deepAndBroken)).toEqual({ ok: false, error: "request body is not valid UTF-8" });
  });
});
