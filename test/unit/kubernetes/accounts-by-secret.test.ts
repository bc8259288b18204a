import { describe, expect, test } from "bun:test";
import { createAccountsBySecret } from "../../../src/kubernetes/accounts-by-secret.ts";

describe("createAccountsBySecret", () => {
  test("names every account reading a Secret, and an account only under the Secret it reads now", () => {
    const index = createAccountsBySecret();
    index.set("ns/a", "ns/shared");
    index.set("ns/b", "ns/shared");
    index.set("ns/c", "ns/c-token");
    expect([...index.get("ns/shared")].sort()).toEqual(["ns/a", "ns/b"]);

    index.set("ns/b", "ns/b-token");
    expect([...index.get("ns/shared")]).toEqual(["ns/a"]);
    expect([...index.get("ns/b-token")]).toEqual(["ns/b"]);

    index.set("ns/a", undefined);
    index.set("ns/c", undefined);
    expect([...index.get("ns/shared")]).toEqual([]);
    expect([...index.get("ns/c-token")]).toEqual([]);
    expect([...index.get("ns/unknown")]).toEqual([]);
  });

  test("moving one account among 10,000 does not look at the others", () => {
    const index = createAccountsBySecret();
    for (let i = 0; i < 10_000; i++) index.set(`ns/a${i}`, `ns/a${i}-token`);
    // Each set touches two Secrets at most: the whole load and 10,000 moves stay far under the
    // 100 million steps that scanning every Secret per account would take.
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) index.set(`ns/a${i}`, `ns/b${i}-token`);
    expect(performance.now() - started).toBeLessThan(500);
    expect([...index.get("ns/b9999-token")]).toEqual(["ns/a9999"]);
    expect([...index.get("ns/a9999-token")]).toEqual([]);
  });
});
