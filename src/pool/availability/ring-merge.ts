/**
 * Making a sorted ring from others without sorting again: `insertPoints` puts a few points into a
 * large ring by copying the runs between them (memory copies, no per-point work on the large
 * ring), `keepPoints` drops the points of owners that left. Both keep the ring's order: by point,
 * equal points by the owners' ids. Points and owners lie in pairs (hash-ring.ts's SortedPoints).
 */
import { type HashRing, pointCount, type SortedPoints } from "./hash-ring.ts";

/**
 * The points of `ring` and of `extra` (sorted) in one sorted ring. `before(extraOwner, ringOwner)`
 * says whether an extra point goes before an equal point of the ring (the smaller id first).
 */
export function insertPoints(
  ring: HashRing,
  extra: SortedPoints,
  before: (extraOwner: number, ringOwner: number) => boolean,
): SortedPoints {
  const from = ring.sorted.pairs;
  const adding = extra.pairs;
  const pairs = new Uint32Array(from.length + adding.length);
  let copied = 0;
  let out = 0;
  for (let j = 0; j < adding.length; j += 2) {
    const point = adding[j] ?? 0;
    const owner = adding[j + 1] ?? 0;
    let to = Math.max(copied, ring.lowerBound(point));
    while (to < ring.size && ring.pointAt(to) === point && !before(owner, ring.ownerAt(to))) to++;
    pairs.set(from.subarray(2 * copied, 2 * to), 2 * out);
    out += to - copied;
    copied = to;
    pairs[2 * out] = point;
    pairs[2 * out + 1] = owner;
    out += 1;
  }
  pairs.set(from.subarray(2 * copied), 2 * out);
  return { pairs };
}

/** The points whose owner `keep` accepts, in their order (`ring` itself when it keeps them all). */
export function keepPoints(ring: SortedPoints, keep: (owner: number) => boolean): SortedPoints {
  const all = ring.pairs;
  let kept = 0;
  for (let at = 1; at < all.length; at += 2) if (keep(all[at] ?? 0)) kept += 1;
  if (kept === pointCount(ring)) return ring;
  const pairs = new Uint32Array(2 * kept);
  let out = 0;
  for (let at = 0; at < all.length; at += 2) {
    if (!keep(all[at + 1] ?? 0)) continue;
    pairs[out] = all[at] ?? 0;
    pairs[out + 1] = all[at + 1] ?? 0;
    out += 2;
  }
  return { pairs };
}
