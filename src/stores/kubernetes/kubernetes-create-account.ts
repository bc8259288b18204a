/**
 * Creating an account in Kubernetes (admin API or CLI against a cluster): a Secret holding the
 * refresh token and an Account pointing at it, named after the email.
 */
import type { Account } from "../../accounts/account.ts";
import { ACCOUNT_API_VERSION, ACCOUNT_KIND, DEFAULT_SECRET_KEY } from "./account-resource.ts";
import type { KubeApi } from "./kube-api.ts";

/** "Ada.Lovelace@Example.com" → "ada-lovelace-example-com" (a DNS label, ≤ 57 characters). */
export function resourceNameFor(email: string): string {
  const slug = email
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug.slice(0, 57).replace(/-+$/, "") || "account";
}

export async function createAccount(
  api: KubeApi,
  namespace: string | undefined,
  account: Account,
): Promise<Account> {
  if (namespace === undefined) {
    throw new Error("Cannot create an Account while watching every namespace: run with --namespace");
  }
  const name = resourceNameFor(account.email);
  const secretName = `${name}-token`;
  const labels = { "app.kubernetes.io/managed-by": "grantpool", "grantpool.io/account": name };
  await api.createSecret(namespace, {
    metadata: { name: secretName, namespace, labels },
    type: "Opaque",
    data: { [DEFAULT_SECRET_KEY]: Buffer.from(account.token.refreshToken).toString("base64") },
  });
  await api.createAccount(namespace, {
    apiVersion: ACCOUNT_API_VERSION,
    kind: ACCOUNT_KIND,
    metadata: { name, namespace, labels },
    spec: {
      secretRef: { name: secretName, key: DEFAULT_SECRET_KEY },
      email: account.email,
      proxyDisabled: account.proxyDisabled,
    },
  });
  return { ...account, id: `${namespace}/${name}` };
}
