import { describe, expect, test } from "bun:test";
import { AccountCache } from "../../../src/kubernetes/account-cache.ts";
import { captureLog } from "../../support/captured-log.ts";

function account(name: string, resourceVersion: string, secretName = `${name}-token`) {
  return {
    metadata: { name, namespace: "ns", resourceVersion },
    spec: { secretRef: { name: secretName } },
  };
}

function secret(name: string, resourceVersion: string) {
  return { metadata: { name, namespace: "ns", resourceVersion }, data: { refresh_token: "cnQ=" } };
}

describe("the shared Account cache", () => {
  test("keeps an Account as parsed, with its Secret's default key, under the id namespace/name", () => {
    const cache = new AccountCache(captureLog().logger);
    expect(cache.putAccount(account("alice", "5"))).toBe("ns/alice");
    expect(cache.account("ns/alice")?.spec.secretRef).toEqual({ name: "alice-token", key: "refresh_token" });
    expect([...cache.ids()]).toEqual(["ns/alice"]);
  });

  test("an event older than what it holds does not roll it back (read your writes)", () => {
    const cache = new AccountCache(captureLog().logger);
    cache.putAccount(account("alice", "7"));
    expect(cache.putAccount(account("alice", "6"))).toBeUndefined();
    expect(cache.account("ns/alice")?.metadata.resourceVersion).toBe("7");
  });

  test("news from before a remove does not bring the Account back; news after it does", () => {
    const cache = new AccountCache(captureLog().logger);
    cache.putAccount(account("alice", "7"));
    cache.dropAccount("ns/alice", "9");
    expect(cache.putAccount(account("alice", "9"))).toBeUndefined();
    expect(cache.putAccount(account("alice", "8"))).toBeUndefined();
    expect(cache.account("ns/alice")).toBeUndefined();
    expect(cache.putAccount(account("alice", "10"))).toBe("ns/alice");
  });

  test("a Secret reaches exactly the Accounts that read it, also after one moved to another Secret", () => {
    const cache = new AccountCache(captureLog().logger);
    cache.putAccount(account("alice", "1", "shared"));
    cache.putAccount(account("bob", "1", "shared"));
    cache.putAccount(account("carol", "1"));
    expect([...cache.putSecret(secret("shared", "1"))].sort()).toEqual(["ns/alice", "ns/bob"]);
    cache.putAccount(account("bob", "2", "bob-token"));
    expect([...cache.putSecret(secret("shared", "2"))]).toEqual(["ns/alice"]);
    expect([...cache.putSecret(secret("bob-token", "1"))]).toEqual(["ns/bob"]);
    expect(cache.secretOf(cache.account("ns/bob") ?? expect.unreachable())?.metadata.name).toBe("bob-token");
  });

  test("an older Secret is ignored; a removed one is forgotten and still reaches its readers", () => {
    const cache = new AccountCache(captureLog().logger);
    cache.putAccount(account("alice", "1"));
    cache.putSecret(secret("alice-token", "5"));
    expect([...cache.putSecret(secret("alice-token", "4"))]).toEqual([]);
    expect([...cache.putSecret(secret("alice-token", "6"), true)]).toEqual(["ns/alice"]);
    const alice = cache.account("ns/alice");
    expect(alice === undefined ? "none" : cache.secretOf(alice)).toBeUndefined();
  });

  test("an invalid Account is skipped with a warning that names it", () => {
    const log = captureLog();
    const cache = new AccountCache(log.logger);
    expect(cache.putAccount({ metadata: { name: "x", namespace: "ns" }, spec: {} })).toBeUndefined();
    expect(log.messages("warn")[0]).toStartWith("Skipping invalid Account ns/x:");
  });
});
