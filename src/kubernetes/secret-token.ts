/**
 * The one reading and writing of an Account's Secret: the refresh token it holds under its key (or
 * why there is none), and the Secret data that holds a token.
 */
import type { AccountResource, SecretResource } from "./account-resource.ts";
import { DEFAULT_SECRET_KEY } from "./account-resource.ts";

export type SecretToken = { readonly token: string } | { readonly missing: string };

export function readSecretToken(resource: AccountResource, secret: SecretResource | undefined): SecretToken {
  const { name, key = DEFAULT_SECRET_KEY } = resource.spec.secretRef;
  if (secret === undefined) return { missing: `Secret "${name}" not found` };
  const encoded = secret.data?.[key];
  const token = encoded === undefined ? "" : Buffer.from(encoded, "base64").toString("utf8").trim();
  return token === "" ? { missing: `Secret "${name}" has no key "${key}"` } : { token };
}

/** The refresh token, or undefined when the Secret holds none. */
export function secretTokenOf(
  resource: AccountResource,
  secret: SecretResource | undefined,
): string | undefined {
  const found = readSecretToken(resource, secret);
  return "token" in found ? found.token : undefined;
}

/** The Secret `data` holding `refreshToken` under `key`. */
export function secretTokenData(
  refreshToken: string,
  key: string = DEFAULT_SECRET_KEY,
): Record<string, string> {
  return { [key]: Buffer.from(refreshToken).toString("base64") };
}
