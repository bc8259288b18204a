/**
 * Making a sorted ring from others without sorting again: `insertPoints` puts a few points into a
 * large ring by copying the runs between them (memory copies, no per-point work on the large
 * ring), `keepPoints` drops the points of owners that left. Both keep the ring's order: by point,
 * equal points by the owners' ids.
 */
import type { HashRing, SortedPoints } from "./hash-ring.ts";

/**
 * The points of `ring` and of `extra` (sorted) in one sorted ring. `before(extraOwner, ringOwner)`
 * says whether an extra point goes before an equal point of the ring (the smaller id first).
 */
export function insertPoints(
  ring: HashRing,
  extra: SortedPoints,
  before: (extraOwner: number, ringOwner: number) => boolean,
): SortedPoints {
  const from = ring.sorted;
  const size = from.points.length + extra.points.length;
  const points = new Uint32Array(size);
  const owners = new Uint32Array(size);
  let copied = 0;
  let out = 0;
  for (let j = 0; j < extra.points.length; j++) {
    const point = extra.points[j] ?? 0;
    const owner = extra.owners[j] ?? 0;
    let to = Math.max(copied, ring.lowerBound(point));
    while (to < ring.size && ring.pointAt(to) === point && !before(owner, ring.ownerAt(to))) to++;
    points.set(from.points.subarray(copied, to), out);
    owners.set(from.owners.subarray(copied, to), out);
    out += to - copied;
    copied = to;
    points[out] = point;
    owners[out] = owner;
    out += 1;
  }
  points.set(from.points.subarray(copied), out);
  owners.set(from.owners.subarray(copied), out);
  return { points, owners };
}

/** The points whose owner `keep` accepts, in their order (`ring` itself when it keeps them all). */
export function keepPoints(ring: SortedPoints, keep: (owner: number) => boolean): SortedPoints {
  const all = ring.owners;
  let kept = 0;
  for (let at = 0; at < all.length; at++) if (keep(all[at] ?? 0)) kept += 1;
  if (kept === all.length) return ring;
  const points = new Uint32Array(kept);
  const owners = new Uint32Array(kept);
  let out = 0;
  for (let at = 0; at < all.length; at++) {
    const owner = all[at] ?? 0;
    if (!keep(owner)) continue;
    points[out] = ring.points[at] ?? 0;
    owners[out] = owner;
    out += 1;
  }
  return { points, owners };
}
