/**
 * Creating an account in Kubernetes (admin API or CLI against a cluster): a Secret holding the
 * refresh token and an Account pointing at it, named after the email, carrying everything the
 * store keeps of the account (the proxy-disabled annotations at once, a disabled status with one
 * status write more: the API server ignores status on create). Two writers creating one email
 * race on the names: the loser gets StoreError ACCOUNT_EXISTS and updates what the winner created.
 */
import * as v from "valibot";
import type { Account } from "../../accounts/account.ts";
import { accountId } from "../../kubernetes/account-id.ts";
import {
  ACCOUNT_API_VERSION,
  ACCOUNT_KIND,
  AccountResource,
  DEFAULT_SECRET_KEY,
} from "../../kubernetes/account-resource.ts";
import { rfc3339 } from "../../kubernetes/conditions.ts";
import { statusOf } from "../../kubernetes/kube-api.ts";
import { secretTokenData } from "../../kubernetes/secret-token.ts";
import { StoreError } from "../store-error.ts";
import {
  PROXY_DISABLED_AT_ANNOTATION,
  PROXY_DISABLED_REASON_ANNOTATION,
  toAccount,
} from "./account-mapping.ts";
import { type WriteContext, writeAccountChange } from "./account-writes.ts";

/** "Ada.Lovelace@Example.com" → "ada-lovelace-example-com" (a DNS label, ≤ 57 characters). */
export function resourceNameFor(email: string): string {
  const slug = email
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug.slice(0, 57).replace(/-+$/, "") || "account";
}

/** The id the account created for this email gets: "<namespace>/<name after the email>". */
export function newAccountId(namespace: string, email: string): string {
  return accountId(namespace, resourceNameFor(email));
}

/** The objects as the API server returned them, for the store's cache (read your writes). */
export interface CreatedAccount {
  readonly id: string;
  readonly resource: unknown;
  readonly secret: unknown;
}

const MANAGED_BY = "app.kubernetes.io/managed-by";
const ACCOUNT_LABEL = "grantpool.io/account";

function proxyDisabledAnnotations(account: Account): Record<string, string> {
  if (!account.proxyDisabled) return {};
  return {
    ...(account.proxyDisabledReason === undefined
      ? {}
      : { [PROXY_DISABLED_REASON_ANNOTATION]: account.proxyDisabledReason }),
    ...(account.proxyDisabledAt === undefined
      ? {}
      : { [PROXY_DISABLED_AT_ANNOTATION]: rfc3339(new Date(account.proxyDisabledAt * 1000)) }),
  };
}

/**
 * Creates the Secret, or takes over the one grantpool made for this name before (left by a
 * removed Account, or by a racing writer): undefined then, and its token is written only once the
 * Account is ours. A Secret of that name that grantpool did not make is never touched.
 */
async function createOrAdoptSecret(ctx: WriteContext, namespace: string, name: string, account: Account) {
  const secretName = `${name}-token`;
  const labels = { [MANAGED_BY]: "grantpool", [ACCOUNT_LABEL]: name };
  const data = secretTokenData(account.token.refreshToken);
  try {
    return await ctx.api.createSecret(namespace, {
      metadata: { name: secretName, namespace, labels },
      type: "Opaque",
      data,
    });
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
    const found = (await ctx.api.getSecret(namespace, secretName)) as
      | { metadata?: { labels?: Record<string, string> } }
      | undefined;
    const foundLabels = found?.metadata?.labels ?? {};
    if (foundLabels[MANAGED_BY] !== "grantpool" || foundLabels[ACCOUNT_LABEL] !== name) {
      throw new StoreError(
        "ACCOUNT_ID_CONFLICT",
        `Cannot create account "${account.email}": Secret ${namespace}/${secretName} exists and grantpool did not create it`,
        accountId(namespace, name),
        { cause: error },
      );
    }
    return undefined;
  }
}

export async function createAccount(
  ctx: WriteContext,
  namespace: string | undefined,
  account: Account,
): Promise<CreatedAccount> {
  if (namespace === undefined) {
    throw new StoreError(
      "STORE_IO",
      "Cannot create an Account while watching every namespace: run with --namespace",
    );
  }
  const name = resourceNameFor(account.email);
  const id = newAccountId(namespace, account.email);
  const secretName = `${name}-token`;
  const createdSecret = await createOrAdoptSecret(ctx, namespace, name, account);
  let resource: unknown;
  try {
    resource = await ctx.api.createAccount(namespace, {
      apiVersion: ACCOUNT_API_VERSION,
      kind: ACCOUNT_KIND,
      metadata: {
        name,
        namespace,
        labels: { [MANAGED_BY]: "grantpool", [ACCOUNT_LABEL]: name },
        annotations: proxyDisabledAnnotations(account),
      },
      spec: {
        secretRef: { name: secretName, key: DEFAULT_SECRET_KEY },
        email: account.email,
        proxyDisabled: account.proxyDisabled,
      },
    });
  } catch (error) {
    if (statusOf(error) === 409) {
      // Another writer, another replica created it: the caller may update what they created.
      const message = `Cannot create account "${account.email}": Account ${id} already exists`;
      throw new StoreError("ACCOUNT_EXISTS", message, id, { cause: error });
    }
    throw error;
  }
  const secret =
    createdSecret ??
    (await ctx.api.patchSecret(namespace, secretName, {
      data: secretTokenData(account.token.refreshToken),
    }));
  if (account.disabled) resource = await writeDisabledStatus(ctx, namespace, name, resource, account);
  return { id, resource, secret };
}

/** The status write of a new, disabled account; an early reconcile by the operator may make it 409. */
async function writeDisabledStatus(
  ctx: WriteContext,
  namespace: string,
  name: string,
  created: unknown,
  account: Account,
): Promise<unknown> {
  let current = created;
  for (let attempt = 0; ; attempt++) {
    const resource = v.parse(AccountResource, current);
    const stored = {
      resource,
      secret: undefined,
      account: toAccount(resource, account.token.refreshToken, undefined),
    };
    try {
      return (await writeAccountChange(ctx, stored, account)).resource ?? current;
    } catch (error) {
      if (statusOf(error) !== 409 || attempt >= 3) throw error;
      current = await ctx.api.getAccount(namespace, name);
    }
  }
}
