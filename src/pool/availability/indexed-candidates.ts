/**
 * The CandidateSet the pool hands a strategy: the serving accounts of one request, answered from
 * the availability index in O(1) — a slot lookup and a few bitset words in each of the index's two
 * layouts (a large one and a small one of recent arrivals, see account-layout.ts) — plus one
 * step per account the request already tried. Each question is asked of both layouts and the
 * answers are combined as one layout of all the accounts would give them.
 */
import type { CandidateSet } from "../strategies/candidate-set.ts";
import type { AccountLayout } from "./account-layout.ts";
import { keyPoint } from "./hash-ring.ts";
import type { ServingSet } from "./serving-set.ts";

/**
 * A set of ring positions is sparse when fewer than one in this many are in it: a ring bucket
 * (about eight points, a few dozen in the largest rings) then rarely holds one before a key's
 * point, and the search starts at the bucket (see #hashedAt).
 */
const SPARSE_RATIO = 64;

/**
 * One layout and which of its accounts serve this request: those in `serving` and, when given, in
 * `also` too (a quota tier's accounts that also serve the request's model — two bitsets asked at
 * the same position, no lookup per account).
 */
export interface LevelView {
  readonly layout: AccountLayout;
  readonly serving: ServingSet;
  readonly also?: ServingSet | undefined;
}

/**
 * The last id handed out in id order and, for each layout, the rank to look from for the account
 * after it: a rotation asks for the account after the one it got last, and this spares it the
 * lookups (and cold cache lines) in a large pool. The index resets it when a layout changes.
 */
export interface LastAnswer {
  id: string | undefined;
  base: number;
  recent: number;
}

/** Where an id sits: 0 in no layout, rank + 1 in the large one, -(rank + 1) in the small one. */
export type Locate = (id: string) => number;

/** The id of the account in a slot (ring positions are owned by slots). */
export type IdOf = (slot: number) => string;

/** Accounts a request must not get: those it tried. */
export interface Excluded {
  has(id: string): boolean;
}

export class IndexedCandidates implements CandidateSet {
  readonly #base: LevelView;
  readonly #recent: LevelView | undefined;
  readonly #locate: Locate;
  readonly #idOf: IdOf;
  readonly #last: LastAnswer;
  /** Accounts this request already tried; undefined when none. */
  readonly #exclude: Excluded | undefined;
  /** The time the index answered for (CandidateSet.at). */
  readonly at: number;

  constructor(
    base: LevelView,
    recent: LevelView | undefined,
    locate: Locate,
    idOf: IdOf,
    last: LastAnswer,
    exclude: Excluded | undefined,
    at: number,
  ) {
    this.#base = base;
    this.#recent = recent;
    this.#locate = locate;
    this.#idOf = idOf;
    this.#last = last;
    this.#exclude = exclude;
    this.at = at;
  }

  has(id: string): boolean {
    const place = this.#locate(id);
    if (place === 0) return false;
    const level = place > 0 ? this.#base : this.#recent;
    const rank = Math.abs(place) - 1;
    if (level?.serving.byId.has(rank) !== true || level.also?.byId.has(rank) === false) return false;
    return this.#exclude?.has(id) !== true;
  }

  nextAfter(id: string | undefined): string | undefined {
    const base = this.#base;
    const recent = this.#recent;
    const last = this.#last;
    let fromBase = 0;
    let fromRecent = 0;
    if (id !== undefined && id === last.id) {
      fromBase = last.base;
      fromRecent = last.recent;
    } else if (id !== undefined) {
      const place = this.#locate(id);
      fromBase = place > 0 ? place : base.layout.rankAfter(id);
      fromRecent = recent === undefined ? 0 : place < 0 ? -place : recent.layout.rankAfter(id);
    }
    let inBase = this.#firstById(base, fromBase);
    let inRecent = recent === undefined ? -1 : this.#firstById(recent, fromRecent);
    if (inBase < 0 && inRecent < 0) {
      inBase = this.#firstById(base, 0);
      inRecent = recent === undefined ? -1 : this.#firstById(recent, 0);
    }
    const baseId = inBase < 0 ? undefined : base.layout.sortedIds[inBase];
    const recentId = inRecent < 0 ? undefined : recent?.layout.sortedIds[inRecent];
    if (baseId !== undefined && (recentId === undefined || baseId < recentId)) {
      last.id = baseId;
      last.base = inBase + 1;
      last.recent = recent === undefined ? 0 : recent.layout.rankAfter(baseId);
      return baseId;
    }
    if (recentId === undefined) return undefined;
    last.id = recentId;
    last.base = base.layout.rankAfter(recentId);
    last.recent = inRecent + 1;
    return recentId;
  }

  hashed(key: string): string | undefined {
    const point = keyPoint(key);
    const base = this.#base;
    const recent = this.#recent;
    const inBase = this.#hashedAt(base, point);
    const inRecent = recent === undefined ? -1 : this.#hashedAt(recent, point);
    if (inRecent < 0 || recent === undefined) return inBase < 0 ? undefined : this.#ownerId(base, inBase);
    const recentId = this.#ownerId(recent, inRecent);
    if (inBase < 0) return recentId;
    // The nearer point clockwise wins; equal points go to the smaller id, as in one ring.
    const baseId = this.#ownerId(base, inBase);
    const baseDistance = (base.layout.ring.pointAt(inBase) - point) >>> 0;
    const recentDistance = (recent.layout.ring.pointAt(inRecent) - point) >>> 0;
    const nearer = recentDistance < baseDistance || (recentDistance === baseDistance && recentId < baseId);
    return nearer ? recentId : baseId;
  }

  /** The first serving rank at or after `from` in `level` (no wrap) that was not tried; -1 when none. */
  #firstById(level: LevelView, from: number): number {
    const bits = level.serving.byId;
    const also = level.also?.byId;
    const exclude = this.#exclude;
    let at = bits.nextFrom(from);
    if (exclude === undefined && also === undefined) return at;
    const { sortedIds } = level.layout;
    while (at >= 0 && (also?.has(at) === false || exclude?.has(sortedIds[at] ?? "") === true))
      at = bits.nextFrom(at + 1);
    return at;
  }

  /** The first serving ring position at or after `from` in `level` (no wrap) not tried; -1 when none. */
  #firstOnRing(level: LevelView, from: number): number {
    const bits = level.serving.byRing;
    const also = level.also?.byRing;
    const exclude = this.#exclude;
    let at = bits.nextFrom(from);
    if (exclude === undefined && also === undefined) return at;
    const { ring } = level.layout;
    for (; at >= 0; at = bits.nextFrom(at + 1)) {
      if (also?.has(at) !== false && exclude?.has(this.#idOf(ring.ownerAt(at))) !== true) return at;
    }
    return at;
  }

  /**
   * The level's own ring answer for `point`: the position of the first candidate clockwise from
   * it, or -1. A sparse set is searched from the point's bucket, stepping over the few candidates
   * before the point, so that no ring point is read but the one answered — in a ring of millions
   * of points each read is a cache and TLB miss; a dense one from the point's own position.
   */
  #hashedAt(level: LevelView, point: number): number {
    const { ring } = level.layout;
    const sparse = level.serving.byRing.count * SPARSE_RATIO < ring.size;
    const from = sparse ? ring.bucketStart(point) : ring.lowerBound(point);
    const end = sparse ? ring.bucketEnd(point) : 0;
    let at = this.#firstOnRing(level, from);
    while (at >= 0 && at < end && ring.pointAt(at) < point) at = this.#firstOnRing(level, at + 1);
    return at >= 0 ? at : this.#firstOnRing(level, 0);
  }

  #ownerId(level: LevelView, position: number): string {
    return this.#idOf(level.layout.ring.ownerAt(position));
  }
}
