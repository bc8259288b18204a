/**
 * `grantpool accounts manifest --name N [--namespace NS] --refresh-token-file F`: prints an Account
 * and the Secret holding its token as YAML for `kubectl apply -f -`. Offline: the operator
 * verifies the token once the resources exist.
 */
import { readFile } from "node:fs/promises";
import { stringify } from "yaml";
import { ACCOUNT_API_VERSION, ACCOUNT_KIND, DEFAULT_SECRET_KEY } from "../kubernetes/account-resource.ts";
import { secretTokenData } from "../kubernetes/secret-token.ts";
import { type CliContext, EXIT_FAILED, EXIT_OK } from "./cli-context.ts";
import { parseTokenLines } from "./token-lines.ts";

export interface ManifestOptions {
  readonly name: string;
  readonly namespace?: string;
  readonly refreshTokenFile: string;
}

export function secretNameFor(accountName: string): string {
  return `${accountName}-token`;
}

export function accountManifests(options: {
  name: string;
  namespace?: string;
  refreshToken: string;
}): string {
  const metadata = (name: string) => ({
    name,
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    labels: { "app.kubernetes.io/managed-by": "grantpool", "grantpool.io/account": options.name },
  });
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: metadata(secretNameFor(options.name)),
    type: "Opaque",
    data: secretTokenData(options.refreshToken),
  };
  const account = {
    apiVersion: ACCOUNT_API_VERSION,
    kind: ACCOUNT_KIND,
    metadata: metadata(options.name),
    spec: { secretRef: { name: secretNameFor(options.name), key: DEFAULT_SECRET_KEY }, proxyDisabled: false },
  };
  return [stringify(secret), stringify(account)].join("---\n");
}

export async function accountsManifest(ctx: CliContext, options: ManifestOptions): Promise<number> {
  let text: string;
  try {
    text = await readFile(options.refreshTokenFile, "utf8");
  } catch (cause) {
    ctx.err(
      `grantpool accounts manifest: cannot read --refresh-token-file ${options.refreshTokenFile}: ${(cause as Error).message}`,
    );
    return EXIT_FAILED;
  }
  const tokens = parseTokenLines(text);
  if (tokens.length !== 1 || tokens[0] === undefined) {
    ctx.err(
      `grantpool accounts manifest: ${options.refreshTokenFile} must hold exactly one refresh token (found ${tokens.length})`,
    );
    return EXIT_FAILED;
  }
  ctx.out(accountManifests({ ...options, refreshToken: tokens[0].token }).trimEnd());
  return EXIT_OK;
}
