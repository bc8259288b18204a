/** PKCE (RFC 7636, S256) and the `state` value of the authorization-code flow. */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

export interface PkcePair {
  readonly verifier: string;
  readonly challenge: string;
}

export function createPkcePair(): PkcePair {
  const verifier = base64url(randomBytes(48));
  return { verifier, challenge: base64url(createHash("sha256").update(verifier).digest()) };
}

export function createState(): string {
  return base64url(randomBytes(24));
}

/** Constant-time comparison, so a forged callback cannot learn the state byte by byte. */
export function sameSecret(expected: string, received: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}
