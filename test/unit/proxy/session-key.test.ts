import { describe, expect, test } from "bun:test";
import { CLIENT_KEY_PLACES, createKeyChecker, presentedKeys } from "../../../src/proxy/access/key-check.ts";
import { HASHED_CHARACTERS, sessionKeyOf } from "../../../src/proxy/session-key.ts";

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

  test("long first messages are told apart by their start and their length, at a bounded cost", () => {
    const message = (text: string) => ({ contents: [{ role: "user", parts: [{ text }] }] });
    const start = "x".repeat(HASHED_CHARACTERS);
    const key = sessionKeyOf(new Headers(), message(`${start}a`));
    // Past the hashed start, only the length counts (sessions of equal length and start share a key).
    expect(sessionKeyOf(new Headers(), message(`${start}b`))).toBe(key ?? "");
    expect(sessionKeyOf(new Headers(), message(`${start}ab`))).not.toBe(key ?? "");
    expect(sessionKeyOf(new Headers(), message(`y${start.slice(1)}a`))).not.toBe(key ?? "");
  });
});

describe("client keys", () => {
  test("match any configured key exactly", () => {
    const check = createKeyChecker(["alpha", "beta"]);
    expect(check(["alpha"])).toBe(true);
    expect(check(["beta"])).toBe(true);
    expect(check(["alph"])).toBe(false);
    expect(check(["alphaa"])).toBe(false);
    expect(check(["wrong", "beta"])).toBe(true);
    expect(check([])).toBe(false);
    expect(createKeyChecker([])(["anything"])).toBe(false);
    expect(createKeyChecker([""])([""])).toBe(false);
  });

  test("are read from every accepted place, and only from those", () => {
    const request = (headers: Record<string, string>, query = "?key=q") =>
      new Request(`http://localhost/x${query}`, { headers });
    expect(
      presentedKeys(request({ authorization: "Bearer b", "x-api-key": "x" }), CLIENT_KEY_PLACES),
    ).toEqual(["b", "x", "q"]);
    expect(presentedKeys(request({ "x-goog-api-key": "g" }, ""), CLIENT_KEY_PLACES)).toEqual(["g"]);
    expect(presentedKeys(request({ authorization: "Basic b" }, ""), CLIENT_KEY_PLACES)).toEqual([]);
    expect(presentedKeys(request({ "x-goog-api-key": "g" }), ["bearer", "x-api-key"])).toEqual([]);
  });
});
