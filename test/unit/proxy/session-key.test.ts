import { describe, expect, test } from "bun:test";
import { createKeyChecker, extractClientKey } from "../../../src/proxy/client-auth.ts";
import { sessionKeyOf } from "../../../src/proxy/session-key.ts";

describe("session keys", () => {
  test("take the x-grantpool-session header first", () => {
    const headers = new Headers({ "x-grantpool-session": "abc" });
    expect(sessionKeyOf(headers, { contents: [{ role: "user", parts: [{ text: "hi" }] }] })).toBe("h:abc");
  });

  test("else hash the first user message, so a conversation keeps its key as it grows", () => {
    const first = { contents: [{ role: "user", parts: [{ text: "plan a trip" }] }] };
    const later = {
      contents: [
        { role: "user", parts: [{ text: "plan a trip" }] },
        { role: "model", parts: [{ text: "where to?" }] },
        { role: "user", parts: [{ text: "Lisbon" }] },
      ],
    };
    const key = sessionKeyOf(new Headers(), first);
    expect(key).toStartWith("m:");
    expect(sessionKeyOf(new Headers(), later)).toBe(key ?? "");
    expect(
      sessionKeyOf(new Headers(), { contents: [{ role: "user", parts: [{ text: "other" }] }] }),
    ).not.toBe(key ?? "");
    expect(sessionKeyOf(new Headers(), {})).toBeUndefined();
  });
});

describe("client keys", () => {
  test("match any configured key exactly", () => {
    const check = createKeyChecker(["alpha", "beta"]);
    expect(check("alpha")).toBe(true);
    expect(check("beta")).toBe(true);
    expect(check("alph")).toBe(false);
    expect(check("alphaa")).toBe(false);
    expect(createKeyChecker([])("anything")).toBe(false);
  });

  test("are read from the bearer header before the others", () => {
    const url = new URL("http://localhost/x?key=q");
    expect(extractClientKey(new Headers({ authorization: "Bearer b", "x-api-key": "x" }), url)).toBe("b");
    expect(extractClientKey(new Headers({ "x-goog-api-key": "g" }), url)).toBe("g");
    expect(extractClientKey(new Headers(), url)).toBe("q");
    expect(extractClientKey(new Headers(), new URL("http://localhost/x"))).toBeUndefined();
  });
});
