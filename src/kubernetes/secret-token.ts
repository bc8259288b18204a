/**
 * The one reading and writing of an Account's Secret: the refresh token it holds under its key (or
 * why there is none), and the Secret data that holds a token.
 */
import type { AccountResource, SecretResource } from "./account-resource.ts";
import { DEFAULT_SECRET_KEY } from "./account-resource.ts";

export type SecretToken = { readonly token: string } | { readonly missing: string };

/** The refresh token under the Secret's key, trimmed; undefined when there is no Secret or no token. */
function decodeSecretToken(secret: SecretResource | undefined, key: string): string | undefined {
  const encoded = secret?.data?.[key];
  if (encoded === undefined) return undefined;
  const token = Buffer.from(encoded, "base64").toString("utf8").trim();
  return token === "" ? undefined : token;
}

/** The refresh token, or why there is none (the operator's condition message). */
export function readSecretToken(resource: AccountResource, secret: SecretResource | undefined): SecretToken {
  const { name, key = DEFAULT_SECRET_KEY } = resource.spec.secretRef;
  const token = decodeSecretToken(secret, key);
  if (token !== undefined) return { token };
  if (secret === undefined) return { missing: `Secret "${name}" not found` };
  return { missing: `Secret "${name}" has no key "${key}"` };
}

/** The refresh token, or undefined when the Secret holds none (the store's read, no reason built). */
export function secretTokenOf(
  resource: AccountResource,
  secret: SecretResource | undefined,
): string | undefined {
  return decodeSecretToken(secret, resource.spec.secretRef.key ?? DEFAULT_SECRET_KEY);
}

/** The Secret `data` holding `refreshToken` under `key`. */
export function secretTokenData(
  refreshToken: string,
  key: string = DEFAULT_SECRET_KEY,
): Record<string, string> {
  return { [key]: Buffer.from(refreshToken).toString("base64") };
}
