/** A short SHA-256 fingerprint of a refresh token: enough to tell tokens apart, never the token. */
import { createHash } from "node:crypto";

export function tokenFingerprint(refreshToken: string): string {
  return `sha256:${createHash("sha256").update(refreshToken).digest("hex").slice(0, 16)}`;
}
