/**
 * Sticky sessions' first choice: a consistent-hash ring (SPEC §5.2's replica agreement, in O(1)).
 *
 * The scheme, and why every replica agrees: each account owns VIRTUAL_NODES points on a 32-bit
 * ring, derived only from its id; a session key hashes to one point; the session goes to the owner
 * of the first point at or after the key's point (clockwise, wrapping) whose account can serve.
 * Points of accounts that cannot serve are skipped, so the choice equals the one a ring of only the
 * serving accounts would give: it is a function of the session key and the serving set alone —
 * not of the order accounts were loaded, nor of the accounts that are out — which is what lets
 * replicas that see the same healthy set choose alike without talking. Equal points (rare with
 * 32 bits) go to the smaller id. When an account leaves, only its own sessions move, each to the
 * next point's owner, so they spread over about VIRTUAL_NODES others; when it returns it takes
 * back only those. `ringChoose` below is the definition, linear in the candidates; `HashRing`
 * lays the points out sorted with a bucket table so the start point is found in O(1), and the
 * pool skips accounts that cannot serve with a SummaryBitset over ring positions.
 *
 * It replaces rendezvous hashing, which has the same properties but must weigh every healthy
 * account on every new session (10 ms at 100,000 accounts).
 */
import { hash53, sessionKeyHash } from "../hash53.ts";

/**
 * Points per account. 32 spread sessions within about ±18% of the mean (one standard deviation;
 * rendezvous hashing was exact) for 256 B per account (a point and its owner, 4 B each, per node);
 * 16 would halve the memory at ±25%.
 */
export const VIRTUAL_NODES = 32;

/** murmur3's 32-bit finaliser: a cheap, well-mixed integer hash. */
function mix32(value: number): number {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The 53-bit hash of an account id, from which its ring points are derived. */
export function idHash(id: string): number {
  return hash53(id);
}

/** The n-th ring point (0 ≤ n < VIRTUAL_NODES) of the account whose id hashes to `hash`. */
export function ringPoint(hash: number, n: number): number {
  const low = hash >>> 0;
  const high = Math.floor(hash / 4294967296);
  return mix32((low ^ Math.imul(n + 1, 0x9e3779b9)) + Math.imul(high, 0x85ebca6b));
}

/** Where a session key lands on the ring. */
export function keyPoint(key: string): number {
  return sessionKeyHash(key) >>> 0;
}

/**
 * The definition of the sticky choice: the candidate owning the first point at or after the key's
 * point, clockwise; equal points go to the smaller id. Linear in the candidates.
 */
export function ringChoose(key: string, candidateIds: Iterable<string>): string | undefined {
  const start = keyPoint(key);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const id of candidateIds) {
    const hash = idHash(id);
    for (let n = 0; n < VIRTUAL_NODES; n++) {
      const distance = (ringPoint(hash, n) - start) >>> 0;
      if (distance < bestDistance || (distance === bestDistance && best !== undefined && id < best)) {
        best = id;
        bestDistance = distance;
      }
    }
  }
  return best;
}

/**
 * Ring points sorted clockwise, each followed by the account owning it (its id rank, or the
 * caller's slot): `[point, owner, point, owner, …]`. Side by side rather than in two arrays
 * because a lookup reads a point and then its owner: one page and one cache line, not two — in a
 * ring of millions of points each one is a TLB and cache miss, and that is what a lookup costs.
 */
export interface SortedPoints {
  readonly pairs: Uint32Array;
}

/** The number of points in `sorted`. */
export function pointCount(sorted: SortedPoints): number {
  return sorted.pairs.length >>> 1;
}

/** One stable counting-sort pass on 16 bits of the points, from `pairs` into `to`. */
function countingPass(pairs: Uint32Array, to: Uint32Array, shift: number): void {
  const starts = new Uint32Array(65537);
  for (let i = 0; i < pairs.length; i += 2) {
    const digit = (((pairs[i] ?? 0) >>> shift) & 0xffff) + 1;
    starts[digit] = (starts[digit] ?? 0) + 1;
  }
  for (let digit = 1; digit < starts.length; digit++) {
    starts[digit] = (starts[digit] ?? 0) + (starts[digit - 1] ?? 0);
  }
  for (let i = 0; i < pairs.length; i += 2) {
    const point = pairs[i] ?? 0;
    const digit = (point >>> shift) & 0xffff;
    const at = starts[digit] ?? 0;
    starts[digit] = at + 1;
    to[2 * at] = point;
    to[2 * at + 1] = pairs[i + 1] ?? 0;
  }
}

/** Below this many points a comparison sort beats the radix sort's two 256 KB count tables. */
const SMALL_RING = 4096;

/** Sorts `pairs` by point, keeping equal points in their input order. */
function sortPairs(pairs: Uint32Array): void {
  const size = pairs.length >>> 1;
  if (size >= SMALL_RING) {
    const spare = new Uint32Array(pairs.length);
    countingPass(pairs, spare, 0);
    countingPass(spare, pairs, 16);
    return;
  }
  const order = Array.from({ length: size }, (_, i) => i);
  order.sort((a, b) => (pairs[2 * a] ?? 0) - (pairs[2 * b] ?? 0) || a - b);
  const input = pairs.slice();
  order.forEach((from, to) => {
    pairs[2 * to] = input[2 * from] ?? 0;
    pairs[2 * to + 1] = input[2 * from + 1] ?? 0;
  });
}

/**
 * The points of `accounts` accounts laid out rank by rank, sorted stably (equal points keep rank
 * order), each owned by `ownerOf(rank)`.
 */
function sortedPoints(
  accounts: number,
  hashOf: (rank: number) => number,
  ownerOf: ((rank: number) => number) | undefined,
): SortedPoints {
  const pairs = new Uint32Array(2 * accounts * VIRTUAL_NODES);
  for (let rank = 0; rank < accounts; rank++) {
    const hash = hashOf(rank);
    const owner = ownerOf === undefined ? rank : ownerOf(rank);
    for (let n = 0; n < VIRTUAL_NODES; n++) {
      const at = 2 * (rank * VIRTUAL_NODES + n);
      pairs[at] = ringPoint(hash, n);
      pairs[at + 1] = owner;
    }
  }
  sortPairs(pairs);
  return { pairs };
}

/**
 * At most this many bits of a point pick its bucket: 65,536 buckets (256 KB) stay in the cache
 * and the TLB, where a finer table over millions of points would be one more miss per lookup.
 */
const MAX_BUCKET_BITS = 16;

/**
 * The ring's points sorted clockwise, each with the id rank of the account owning it, and a bucket
 * table (point's top bits → first position in that bucket) for O(1) lookups.
 */
export class HashRing {
  readonly size: number;
  readonly #pairs: Uint32Array;
  readonly #buckets: Uint32Array;
  readonly #shift: number;

  /**
   * `hashOf(rank)` gives the idHash of the account with that rank in id order. Equal points keep
   * rank order (a stable sort of points laid out rank by rank), so they fall to the smaller id.
   * Positions are owned by `ownerOf(rank)` when given, else by the rank. Or the points already
   * sorted (ring-merge.ts).
   */
  constructor(
    accounts: number | SortedPoints,
    hashOf?: (rank: number) => number,
    ownerOf?: (rank: number) => number,
  ) {
    const { pairs } =
      typeof accounts === "number" ? sortedPoints(accounts, hashOf ?? (() => 0), ownerOf) : accounts;
    const size = pairs.length >>> 1;
    this.size = size;
    this.#pairs = pairs;
    // About eight points per bucket in small rings, more in large ones (MAX_BUCKET_BITS); a
    // lookup then searches its bucket's points, which lie side by side.
    const bucketBits = Math.max(1, Math.min(MAX_BUCKET_BITS, Math.ceil(Math.log2(Math.max(2, size / 8)))));
    this.#shift = 32 - bucketBits;
    // bucket b → the number of points in buckets before b: a count per bucket, then sums.
    const buckets = new Uint32Array(2 ** bucketBits + 1);
    const shift = this.#shift;
    for (let position = 0; position < size; position++) {
      const next = ((pairs[2 * position] ?? 0) >>> shift) + 1;
      buckets[next] = (buckets[next] ?? 0) + 1;
    }
    for (let bucket = 1; bucket < buckets.length; bucket++) {
      buckets[bucket] = (buckets[bucket] ?? 0) + (buckets[bucket - 1] ?? 0);
    }
    this.#buckets = buckets;
  }

  /** The sorted points and their owners (read-only by contract), for ring-merge.ts. */
  get sorted(): SortedPoints {
    return { pairs: this.#pairs };
  }

  /** The point at `position`. */
  pointAt(position: number): number {
    return this.#pairs[2 * position] ?? 0;
  }

  /** The first position whose point is at or after `point` (size when none: wrap to 0). */
  lowerBound(point: number): number {
    let low = this.bucketStart(point);
    let high = this.bucketEnd(point);
    const pairs = this.#pairs;
    // Halve the bucket while it is more than a few cache lines, then walk.
    while (high - low > 8) {
      const middle = (low + high) >>> 1;
      if ((pairs[2 * middle] ?? 0) < point) low = middle + 1;
      else high = middle;
    }
    while (low < high && (pairs[2 * low] ?? 0) < point) low++;
    return low;
  }

  /**
   * The first position of `point`'s bucket: every position from it to bucketEnd(point) holds a
   * point of the same top bits, those before it smaller ones. lowerBound(point) lies between them.
   */
  bucketStart(point: number): number {
    return this.#buckets[point >>> this.#shift] ?? 0;
  }

  /** The first position after `point`'s bucket (whose points are all larger than `point`). */
  bucketEnd(point: number): number {
    return this.#buckets[(point >>> this.#shift) + 1] ?? this.size;
  }

  /** The owner (id rank, or the slot given by `ownerOf`) of `position`. */
  ownerAt(position: number): number {
    return this.#pairs[2 * position + 1] ?? 0;
  }

  /** Calls `visit` with each position `owner` owns (hash = its idHash). */
  forEachPositionOf(owner: number, hash: number, visit: (position: number) => void): void {
    const pairs = this.#pairs;
    for (let n = 0; n < VIRTUAL_NODES; n++) {
      const point = ringPoint(hash, n);
      // Equal points (of other accounts, or two of this one) sit side by side: visit each of ours.
      for (let at = this.lowerBound(point); at < this.size && pairs[2 * at] === point; at++) {
        if (pairs[2 * at + 1] === owner) visit(at);
      }
    }
  }
}
