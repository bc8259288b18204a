/** Ordering what watches and reads bring, by the objects' resourceVersions. */

/** resourceVersions are etcd revisions in practice; compare them only when both are numbers. */
export function isOlder(candidate: string | undefined, known: string | undefined): boolean {
  if (candidate === undefined || known === undefined || !/^\d+$/.test(candidate) || !/^\d+$/.test(known))
    return false;
  return BigInt(candidate) < BigInt(known);
}

/** Removed accounts: events at or below the deletion's resourceVersion are news from before it. */
export function isStale(candidate: string | undefined, removedAt: string | undefined): boolean {
  return removedAt !== undefined && (candidate === removedAt || isOlder(candidate, removedAt));
}
