/**
 * Constant-time key comparison for every key grantpool accepts (client keys and the admin key).
 * Both sides are hashed to the same length first, and every configured key is compared against
 * every presented one with no early exit, so timing reveals neither which key matched, nor its
 * length, nor how much of a guess was right.
 */
import { hash, timingSafeEqual } from "node:crypto";

/** True when any presented key is one of the configured keys. */
export type KeyChecker = (presented: readonly string[]) => boolean;

/** SHA-256 in one call (twice as fast as createHash per request; Bun and Deno both have it). */
function digest(value: string): Buffer {
  return hash("sha256", value, "buffer");
}

export function createKeyChecker(keys: readonly string[]): KeyChecker {
  const known = keys.filter((key) => key !== "").map(digest);
  return (presented) => {
    let matched = false;
    for (const candidate of presented) {
      const probe = digest(candidate);
      for (const key of known) matched = timingSafeEqual(key, probe) || matched;
    }
    return matched;
  };
}
