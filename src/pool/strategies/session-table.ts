/**
 * The sticky strategy's session bindings, in expiry order, found by key in O(1) — laid out in
 * typed arrays rather than a Map of objects, because a new session at the session limit is a
 * lookup that misses, an eviction and an insertion, each a random memory access: with a JavaScript
 * Map of 100,000 bindings those cost ≈ 500 ns together (the Map's buckets, its entries, each key's
 * string), here ≈ 80 ns.
 *
 * Bindings sit in a ring in expiry order (the oldest at `head`); a binding that moves to the back
 * is copied there. A key's place is found through an open-addressing table (linear probing, at
 * most half full) whose slots hold a ring position and the low 32 bits of the key's hash; a removal
 * shifts the entries after it back (no tombstones). The ring grows by doubling up to the session
 * limit; the owner evicts before adding at the limit.
 *
 * A binding keeps the key's 53-bit hash, not the key: clients choose session keys (a header of
 * kilobytes), and 100,000 of them must not hold their text in memory, nor a JavaScript array of
 * them be rescanned by every young-generation collection. Two keys with one hash would share a
 * binding — about one chance in 10^11 per new session with the table full, and at worst two
 * sessions on one account.
 */
import { sessionKeyHash } from "../hash53.ts";

/** A binding's place: its ring position, valid until the ring changes (an add, a removal, a move). */
export type BindingAt = number;

export const NOT_BOUND = -1;

const INITIAL_CAPACITY = 64;

function tableSizeFor(capacity: number): number {
  return 2 ** Math.ceil(Math.log2(capacity * 2));
}

export class SessionTable {
  readonly #maxSize: number;
  #capacity = 0;
  #head = 0;
  #size = 0;
  /** Each binding's key hash (53 bits). */
  #keyHashes = new Float64Array(0);
  #accounts: string[] = [];
  #lastSeen = new Float64Array(0);
  #queuedAt = new Float64Array(0);
  #epochs = new Float64Array(0);
  /**
   * Per slot, side by side (one cache line and page per probe, not two): the ring position + 1
   * (0 is an empty slot) and the low 32 bits of the key's hash.
   */
  #slots = new Uint32Array(0);
  #mask = 0;

  constructor(maxSize: number) {
    this.#maxSize = Math.max(1, maxSize);
    this.#resize(Math.min(this.#maxSize, INITIAL_CAPACITY));
  }

  get size(): number {
    return this.#size;
  }

  /** Where `key` is bound, or NOT_BOUND. */
  find(key: string): BindingAt {
    const full = sessionKeyHash(key);
    const hash = full >>> 0;
    const mask = this.#mask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.#slots[2 * slot] ?? 0;
      if (entry === 0) return NOT_BOUND;
      if (this.#slots[2 * slot + 1] === hash && this.#keyHashes[entry - 1] === full) return entry - 1;
    }
  }

  accountAt(at: BindingAt): string {
    return this.#accounts[at] ?? "";
  }

  lastSeenAt(at: BindingAt): number {
    return this.#lastSeen[at] ?? 0;
  }

  epochAt(at: BindingAt): number {
    return this.#epochs[at] ?? 0;
  }

  /** The binding first in the expiry order, or NOT_BOUND. */
  oldest(): BindingAt {
    return this.#size === 0 ? NOT_BOUND : this.#head;
  }

  queuedAtOf(at: BindingAt): number {
    return this.#queuedAt[at] ?? 0;
  }

  /** Binds an existing binding's key anew, where it stands in the expiry order. */
  update(at: BindingAt, accountId: string, now: number, epoch: number): void {
    this.#accounts[at] = accountId;
    this.#lastSeen[at] = now;
    this.#epochs[at] = epoch;
  }

  /** Binds a key that has no binding, last in the expiry order; the owner keeps size under the limit. */
  add(key: string, accountId: string, now: number, epoch: number): void {
    if (this.#size === this.#capacity) {
      if (this.#capacity >= this.#maxSize) throw new Error("session table: add past the session limit");
      this.#resize(Math.min(this.#maxSize, this.#capacity * 2));
    }
    const at = (this.#head + this.#size) % this.#capacity;
    const full = sessionKeyHash(key);
    this.#keyHashes[at] = full;
    this.#accounts[at] = accountId;
    this.#lastSeen[at] = now;
    this.#queuedAt[at] = now;
    this.#epochs[at] = epoch;
    this.#size += 1;
    this.#insertSlot(at, full >>> 0);
  }

  /** Drops the binding first in the expiry order. */
  dropOldest(): void {
    if (this.#size === 0) return;
    const at = this.#head;
    this.#removeSlot(this.#slotOf(at));
    this.#accounts[at] = "";
    this.#head = (at + 1) % this.#capacity;
    this.#size -= 1;
  }

  /** Moves the binding first in the expiry order to the back, queued at `now`. */
  requeueOldest(now: number): void {
    if (this.#size === 0) return;
    const from = this.#head;
    const to = (from + this.#size) % this.#capacity;
    const slot = this.#slotOf(from);
    this.#head = (from + 1) % this.#capacity;
    if (to !== from) {
      this.#keyHashes[to] = this.#keyHashes[from] ?? 0;
      this.#accounts[to] = this.#accounts[from] ?? "";
      this.#lastSeen[to] = this.#lastSeen[from] ?? 0;
      this.#epochs[to] = this.#epochs[from] ?? 0;
      this.#accounts[from] = "";
      this.#slots[2 * slot] = to + 1;
    }
    this.#queuedAt[to] = now;
  }

  /** Calls `visit` with each binding's account and epoch, oldest first. */
  forEach(visit: (accountId: string, epoch: number) => void): void {
    for (let n = 0; n < this.#size; n++) {
      const at = (this.#head + n) % this.#capacity;
      visit(this.#accounts[at] ?? "", this.#epochs[at] ?? 0);
    }
  }

  /** The table slot that holds ring position `at`. */
  #slotOf(at: BindingAt): number {
    const mask = this.#mask;
    let slot = ((this.#keyHashes[at] ?? 0) >>> 0) & mask;
    while (this.#slots[2 * slot] !== at + 1) slot = (slot + 1) & mask;
    return slot;
  }

  #insertSlot(at: BindingAt, hash: number): void {
    const mask = this.#mask;
    let slot = hash & mask;
    while (this.#slots[2 * slot] !== 0) slot = (slot + 1) & mask;
    this.#slots[2 * slot] = at + 1;
    this.#slots[2 * slot + 1] = hash;
  }

  /** Empties `slot`, moving back each later entry of the run that would no longer be found. */
  #removeSlot(slot: number): void {
    const mask = this.#mask;
    let hole = slot;
    const slots = this.#slots;
    for (let next = (hole + 1) & mask; slots[2 * next] !== 0; next = (next + 1) & mask) {
      const home = (slots[2 * next + 1] ?? 0) & mask;
      // The entry at `next` may fill the hole unless its home lies cyclically in (hole, next].
      const stays = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (stays) continue;
      slots[2 * hole] = slots[2 * next] ?? 0;
      slots[2 * hole + 1] = slots[2 * next + 1] ?? 0;
      hole = next;
    }
    slots[2 * hole] = 0;
  }

  /** A ring of `capacity` with the bindings in order from position 0, and a table for it. */
  #resize(capacity: number): void {
    const keyHashes = new Float64Array(capacity);
    const accounts: string[] = new Array(capacity).fill("");
    const lastSeen = new Float64Array(capacity);
    const queuedAt = new Float64Array(capacity);
    const epochs = new Float64Array(capacity);
    for (let n = 0; n < this.#size; n++) {
      const from = (this.#head + n) % this.#capacity;
      keyHashes[n] = this.#keyHashes[from] ?? 0;
      accounts[n] = this.#accounts[from] ?? "";
      lastSeen[n] = this.#lastSeen[from] ?? 0;
      queuedAt[n] = this.#queuedAt[from] ?? 0;
      epochs[n] = this.#epochs[from] ?? 0;
    }
    this.#keyHashes = keyHashes;
    this.#accounts = accounts;
    this.#lastSeen = lastSeen;
    this.#queuedAt = queuedAt;
    this.#epochs = epochs;
    this.#capacity = capacity;
    this.#head = 0;
    const tableSize = tableSizeFor(capacity);
    this.#slots = new Uint32Array(2 * tableSize);
    this.#mask = tableSize - 1;
    for (let at = 0; at < this.#size; at++) this.#insertSlot(at, (keyHashes[at] ?? 0) >>> 0);
  }
}
