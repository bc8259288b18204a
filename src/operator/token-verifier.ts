/** One verification of a refresh token for the operator: a refresh, then whose token it is. */
import { describeTokenFailure } from "../accounts/token-failure.ts";
import type { GoogleOAuthClient } from "../oauth/google-oauth-client.ts";
import type { Verification } from "./reconcile-account.ts";

export function createTokenVerifier(
  oauth: GoogleOAuthClient,
): (refreshToken: string) => Promise<Verification> {
  return async (refreshToken) => {
    const grant = await oauth.refresh(refreshToken);
    if (!grant.ok) {
      const reason = describeTokenFailure(grant.error);
      return grant.error.kind === "invalid_grant"
        ? { kind: "rejected", reason }
        : { kind: "unavailable", reason };
    }
    const identity = await oauth.userinfo(grant.value.accessToken);
    if (!identity.ok) return { kind: "unavailable", reason: describeTokenFailure(identity.error) };
    return { kind: "valid", email: identity.value.email };
  };
}
