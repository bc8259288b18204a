import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { parseAllDocuments } from "yaml";
import { accountManifests } from "../../../src/cli/accounts-manifest.ts";
import { AccountResource, SecretResource } from "../../../src/kubernetes/account-resource.ts";

describe("accounts manifest", () => {
  test("prints a Secret holding the token and an Account pointing at it", () => {
    const text = accountManifests({ name: "alice", namespace: "team-a", refreshToken: "rt-value" });
    const [secret, account] = parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
    const parsedSecret = v.parse(SecretResource, secret);
    expect(Buffer.from(parsedSecret.data?.refresh_token ?? "", "base64").toString()).toBe("rt-value");
    const parsedAccount = v.parse(AccountResource, account);
    expect(parsedAccount.spec.secretRef).toEqual({ name: parsedSecret.metadata.name, key: "refresh_token" });
    expect(parsedAccount.metadata.namespace).toBe("team-a");
    expect(text).not.toContain("rt-value");
  });
});
