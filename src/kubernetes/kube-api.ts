/**
 * The Kubernetes calls grantpool makes, on top of @kubernetes/client-node: Accounts (and their
 * status subresource), Secrets, Events. Everything that comes back is still `unknown`: callers
 * parse it with the valibot schemas of account-resource.ts.
 */
import * as k8s from "@kubernetes/client-node";
import { ACCOUNT_GROUP, ACCOUNT_PLURAL, ACCOUNT_VERSION } from "./account-resource.ts";

const MERGE_PATCH = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

export interface KubeList {
  readonly items: unknown[];
  readonly metadata?: { readonly resourceVersion?: string };
}

export interface EventInput {
  readonly namespace: string;
  readonly involved: { readonly name: string; readonly uid?: string; readonly resourceVersion?: string };
  readonly type: "Normal" | "Warning";
  readonly reason: string;
  readonly message: string;
  readonly component: string;
  readonly now: Date;
}

export interface KubeApi {
  readonly config: k8s.KubeConfig;
  accountsPath(namespace?: string): string;
  secretsPath(namespace?: string): string;
  listAccounts(namespace?: string): Promise<KubeList>;
  listSecrets(namespace?: string): Promise<KubeList>;
  getAccount(namespace: string, name: string): Promise<unknown>;
  getSecret(namespace: string, name: string): Promise<unknown | undefined>;
  /** JSON merge patch of the status subresource; include metadata.resourceVersion to get 409 on a stale read. */
  patchAccountStatus(namespace: string, name: string, patch: object): Promise<unknown>;
  patchAccount(namespace: string, name: string, patch: object): Promise<unknown>;
  createAccount(namespace: string, body: object): Promise<unknown>;
  /** Resolves to the deleted object, whose resourceVersion is that of the deletion. */
  deleteAccount(namespace: string, name: string): Promise<unknown>;
  createSecret(namespace: string, body: k8s.V1Secret): Promise<unknown>;
  patchSecret(namespace: string, name: string, patch: object): Promise<unknown>;
  recordEvent(event: EventInput): Promise<void>;
}

/** The HTTP status of a failed call (ApiException carries it as `code`). */
export function statusOf(error: unknown): number | undefined {
  const code =
    (error as { code?: unknown; statusCode?: unknown } | null)?.code ??
    (error as { statusCode?: unknown })?.statusCode;
  return typeof code === "number" ? code : undefined;
}

/** A loggable description of a failed call: status and kind only, never a body (it may echo data). */
export function describeKubeError(error: unknown): string {
  const status = statusOf(error);
  if (status !== undefined) return `HTTP ${status}`;
  return error instanceof Error
    ? error.name === "Error"
      ? (error.message.split("\n")[0] ?? "error")
      : error.name
    : "error";
}

/** Loads the kubeconfig as kubectl would: KUBECONFIG, ~/.kube/config, or the in-cluster service account. */
export function loadKubeConfig(): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  config.loadFromDefault();
  return config;
}

/** The namespace of the current context, or of the in-cluster service account, or "default". */
export function currentNamespace(config: k8s.KubeConfig): string {
  return config.getContextObject(config.getCurrentContext())?.namespace ?? "default";
}

export function createKubeApi(config: k8s.KubeConfig): KubeApi {
  const custom = config.makeApiClient(k8s.CustomObjectsApi);
  const core = config.makeApiClient(k8s.CoreV1Api);
  const account = (namespace: string) => ({
    group: ACCOUNT_GROUP,
    version: ACCOUNT_VERSION,
    plural: ACCOUNT_PLURAL,
    namespace,
  });
  return {
    config,
    accountsPath: (namespace) =>
      namespace === undefined
        ? `/apis/${ACCOUNT_GROUP}/${ACCOUNT_VERSION}/${ACCOUNT_PLURAL}`
        : `/apis/${ACCOUNT_GROUP}/${ACCOUNT_VERSION}/namespaces/${namespace}/${ACCOUNT_PLURAL}`,
    secretsPath: (namespace) =>
      namespace === undefined ? "/api/v1/secrets" : `/api/v1/namespaces/${namespace}/secrets`,
    listAccounts: (namespace) =>
      namespace === undefined
        ? custom.listClusterCustomObject({
            group: ACCOUNT_GROUP,
            version: ACCOUNT_VERSION,
            plural: ACCOUNT_PLURAL,
          })
        : custom.listNamespacedCustomObject(account(namespace)),
    listSecrets: async (namespace) =>
      (namespace === undefined
        ? await core.listSecretForAllNamespaces()
        : await core.listNamespacedSecret({ namespace })) as unknown as KubeList,
    getAccount: (namespace, name) => custom.getNamespacedCustomObject({ ...account(namespace), name }),
    getSecret: (namespace, name) =>
      core.readNamespacedSecret({ namespace, name }).then(
        (secret) => secret as unknown,
        (error: unknown) => {
          if (statusOf(error) === 404) return undefined;
          throw error;
        },
      ),
    patchAccountStatus: (namespace, name, patch) =>
      custom.patchNamespacedCustomObjectStatus({ ...account(namespace), name, body: patch }, MERGE_PATCH),
    patchAccount: (namespace, name, patch) =>
      custom.patchNamespacedCustomObject({ ...account(namespace), name, body: patch }, MERGE_PATCH),
    createAccount: (namespace, body) => custom.createNamespacedCustomObject({ ...account(namespace), body }),
    deleteAccount: (namespace, name) => custom.deleteNamespacedCustomObject({ ...account(namespace), name }),
    createSecret: (namespace, body) => core.createNamespacedSecret({ namespace, body }),
    patchSecret: (namespace, name, patch) =>
      core.patchNamespacedSecret({ namespace, name, body: patch }, MERGE_PATCH),
    async recordEvent(event) {
      const time = event.now.toISOString();
      await core.createNamespacedEvent({
        namespace: event.namespace,
        body: {
          metadata: { generateName: `${event.involved.name}.`, namespace: event.namespace },
          involvedObject: {
            apiVersion: `${ACCOUNT_GROUP}/${ACCOUNT_VERSION}`,
            kind: "Account",
            name: event.involved.name,
            namespace: event.namespace,
            ...(event.involved.uid === undefined ? {} : { uid: event.involved.uid }),
            ...(event.involved.resourceVersion === undefined
              ? {}
              : { resourceVersion: event.involved.resourceVersion }),
          },
          type: event.type,
          reason: event.reason,
          message: event.message,
          source: { component: event.component },
          reportingComponent: `grantpool.io/${event.component}`,
          reportingInstance: event.component,
          firstTimestamp: new Date(time),
          lastTimestamp: new Date(time),
          count: 1,
        },
      });
    },
  };
}
