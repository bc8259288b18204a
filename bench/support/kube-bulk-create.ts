/**
 * Creates many Accounts and their token Secrets on a test API server, quickly: Bun's own fetch
 * (keep-alive, the kubeconfig's CA and the admin token; client-node spends three times the CPU per
 * request), a bounded number of requests in flight, and the objects shaped as the store's own
 * create writes them (kubernetes-create-account.ts): labels, spec.secretRef, spec.email.
 * A 409 counts as created (a retried request that had landed); 429, 5xx and network errors wait
 * and try again.
 */
import { readFileSync } from "node:fs";
import {
  ACCOUNT_API_VERSION,
  ACCOUNT_GROUP,
  ACCOUNT_KIND,
  ACCOUNT_PLURAL,
  ACCOUNT_VERSION,
  DEFAULT_SECRET_KEY,
} from "../../src/kubernetes/account-resource.ts";
import { resourceNameFor } from "../../src/stores/kubernetes/kubernetes-create-account.ts";
import type { KubeEnv } from "../../test/kube/support/kube-env.ts";

const MAX_ATTEMPTS = 8;

export interface BulkAccount {
  readonly email: string;
  readonly refreshToken: string;
}

export interface BulkCreateOptions {
  readonly env: KubeEnv;
  readonly namespace: string;
  readonly accounts: readonly BulkAccount[];
  /** Requests in flight at once. */
  readonly concurrency: number;
}

function bodiesFor(namespace: string, account: BulkAccount): { secret: object; resource: object } {
  const name = resourceNameFor(account.email);
  const labels = { "app.kubernetes.io/managed-by": "grantpool", "grantpool.io/account": name };
  return {
    secret: {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: `${name}-token`, namespace, labels },
      type: "Opaque",
      data: { [DEFAULT_SECRET_KEY]: Buffer.from(account.refreshToken).toString("base64") },
    },
    resource: {
      apiVersion: ACCOUNT_API_VERSION,
      kind: ACCOUNT_KIND,
      metadata: { name, namespace, labels },
      spec: {
        secretRef: { name: `${name}-token`, key: DEFAULT_SECRET_KEY },
        email: account.email,
        proxyDisabled: false,
      },
    },
  };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates every account's Secret, then its Account; resolves once all exist. */
export async function createAccountsInBulk(options: BulkCreateOptions): Promise<void> {
  const { env, namespace } = options;
  const token = env.identities.admin.token;
  const ca = readFileSync(env.caFile, "utf8");
  const secretsUrl = `${env.server}/api/v1/namespaces/${namespace}/secrets`;
  const accountsUrl = `${env.server}/apis/${ACCOUNT_GROUP}/${ACCOUNT_VERSION}/namespaces/${namespace}/${ACCOUNT_PLURAL}`;

  const post = async (url: string, body: object): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let detail: string;
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
          tls: { ca },
        });
        status = response.status;
        detail = await response.text();
      } catch (error) {
        status = 0;
        detail = error instanceof Error ? error.message : String(error);
      }
      if ((status >= 200 && status < 300) || status === 409) return;
      const retry = status === 0 || status === 429 || status >= 500;
      if (!retry || attempt >= MAX_ATTEMPTS)
        throw new Error(`Cannot create ${url}: HTTP ${status} ${detail.slice(0, 300)}`);
      await pause(50 * 2 ** attempt);
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < options.accounts.length; i = next++) {
      const account = options.accounts[i] as BulkAccount;
      const { secret, resource } = bodiesFor(namespace, account);
      await post(secretsUrl, secret);
      await post(accountsUrl, resource);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
}
