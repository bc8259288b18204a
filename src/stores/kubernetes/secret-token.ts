/** The refresh token an Account's Secret holds under its key, or undefined when there is none. */
import type { AccountResource, SecretResource } from "./account-resource.ts";
import { DEFAULT_SECRET_KEY } from "./account-resource.ts";

export function secretTokenOf(
  resource: AccountResource,
  secret: SecretResource | undefined,
): string | undefined {
  const encoded = secret?.data?.[resource.spec.secretRef.key ?? DEFAULT_SECRET_KEY];
  if (encoded === undefined) return undefined;
  const token = Buffer.from(encoded, "base64").toString("utf8").trim();
  return token === "" ? undefined : token;
}
