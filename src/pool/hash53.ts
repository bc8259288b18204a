/** A fast, well-dispersed string hash for session keys and the sticky hash ring. */

/** cyrb53: a fast 53-bit string hash with good dispersion (public-domain algorithm). */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

let lastKey: string | undefined;
let lastKeyHash = 0;

/**
 * hash53 of a session key, remembering the last key it hashed: a new sticky session hashes its key
 * for the session table and again for the hash ring, one right after the other, and keys are
 * client-chosen strings of any length.
 */
export function sessionKeyHash(key: string): number {
  if (key !== lastKey) {
    lastKeyHash = hash53(key);
    lastKey = key;
  }
  return lastKeyHash;
}
