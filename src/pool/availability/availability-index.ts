/**
 * Which pool accounts can serve a request right now, kept up to date as things change instead of
 * recomputed per request, so choosing an account costs the same at 100,000 accounts as at 10.
 *
 * - Each account has a slot. Its entry reports every change (account replaced, blocks set or
 *   lifted) through `changed`; the index then re-reads that one account: serving (not disabled,
 *   not proxy-disabled, no account-wide block) or not, and which models it is blocked for.
 * - Time ends blocks without any event: each block's end goes on an ExpiryHeap, and `candidates`
 *   first re-reads the accounts whose time has come. Nothing is scanned. Times come from the
 *   injected clock; a clock that moves backwards does not re-block an account until it changes.
 * - The serving accounts are kept as bitsets with summaries (ServingSet) over two orders (id
 *   order, ring positions), so "the next serving account after X" is a few word reads. Accounts
 *   blocked for one model get a ServingSet of their own for that model, kept while any such block
 *   lasts; requests without a model, or for a model nobody is blocked for, use the common one.
 * - Joining or leaving the pool changes the orders: the layout is rebuilt once, on the next choice
 *   (so a bulk load costs one rebuild).
 */
import type { Clock } from "../../time/clock.ts";
import type { PoolEntry } from "../pool-entry.ts";
import type { CandidateSet } from "../strategies/candidate-set.ts";
import { AccountLayout } from "./account-layout.ts";
import { ExpiryHeap } from "./expiry-heap.ts";
import { idHash } from "./hash-ring.ts";
import { IndexedCandidates } from "./indexed-candidates.ts";
import { ServingSet } from "./serving-set.ts";

interface ModelBlocks {
  /** Slots of serving-capable accounts blocked for this model. */
  readonly blocked: Set<number>;
  serving: ServingSet | undefined;
}

const NO_WAKE = 0;

export class AvailabilityIndex {
  readonly #clock: Clock;
  readonly #slotOf = new Map<string, number>();
  #entries: (PoolEntry | undefined)[] = [];
  readonly #freeSlots: number[] = [];
  #hashes = new Float64Array(16);
  #serves = new Uint8Array(16);
  /** The earliest wake-up on the heap for each slot (NO_WAKE when none is pending). */
  #wakeAt = new Float64Array(16);
  readonly #expiries = new ExpiryHeap();
  readonly #models = new Map<string, ModelBlocks>();
  #layout: AccountLayout | undefined;
  #serving: ServingSet | undefined;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Starts following `entry` (a new account in the pool). */
  add(entry: PoolEntry): void {
    const id = entry.account.id;
    if (this.#slotOf.has(id)) this.remove(id);
    const slot = this.#freeSlots.pop() ?? this.#entries.length;
    this.#ensureCapacity(slot + 1);
    this.#entries[slot] = entry;
    this.#slotOf.set(id, slot);
    this.#hashes[slot] = idHash(id);
    this.#serves[slot] = 0;
    this.#wakeAt[slot] = NO_WAKE;
    this.#invalidateLayout();
    this.#reassess(slot, this.#clock.now());
  }

  /** Stops following the account `id` (it left the pool). */
  remove(id: string): void {
    const slot = this.#slotOf.get(id);
    if (slot === undefined) return;
    this.#slotOf.delete(id);
    this.#entries[slot] = undefined;
    this.#serves[slot] = 0;
    for (const [model, blocks] of this.#models) {
      blocks.blocked.delete(slot);
      if (blocks.blocked.size === 0) this.#models.delete(model);
    }
    this.#freeSlots.push(slot);
    this.#invalidateLayout();
  }

  /** `entry`'s account or health changed: re-read it. */
  changed(entry: PoolEntry): void {
    const slot = this.#slotOf.get(entry.account.id);
    if (slot !== undefined && this.#entries[slot] === entry) this.#reassess(slot, this.#clock.now());
  }

  /** The accounts that can serve a request for `model` now, less `exclude`. */
  candidates(model: string | undefined, exclude: ReadonlySet<string> | undefined): CandidateSet {
    const now = this.#clock.now();
    if (this.#expiries.nextAt <= now) this.#expiries.popDue(now, (slot) => this.#reassess(slot, now));
    const layout = this.#layout ?? this.#buildLayout();
    const common = this.#serving ?? this.#servingSet(layout, undefined);
    const forModel = model === undefined || this.#models.size === 0 ? undefined : this.#models.get(model);
    return new IndexedCandidates(
      layout,
      forModel?.serving ?? common,
      this.#slotOf,
      exclude === undefined || exclude.size === 0 ? undefined : exclude,
    );
  }

  #ensureCapacity(slots: number): void {
    if (slots <= this.#serves.length) return;
    const capacity = Math.max(slots, this.#serves.length * 2);
    const grow = <T extends Float64Array | Uint8Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.#hashes = grow(this.#hashes, new Float64Array(capacity));
    this.#serves = grow(this.#serves, new Uint8Array(capacity));
    this.#wakeAt = grow(this.#wakeAt, new Float64Array(capacity));
  }

  #invalidateLayout(): void {
    this.#layout = undefined;
    this.#serving = undefined;
    for (const blocks of this.#models.values()) blocks.serving = undefined;
  }

  #buildLayout(): AccountLayout {
    const layout = new AccountLayout(this.#slotOf, this.#serves.length, (slot) => this.#hashes[slot] ?? 0);
    this.#layout = layout;
    this.#serving = this.#servingSet(layout, undefined);
    for (const blocks of this.#models.values()) blocks.serving = this.#servingSet(layout, blocks.blocked);
    return layout;
  }

  #servingSet(layout: AccountLayout, blocked: ReadonlySet<number> | undefined): ServingSet {
    const set = ServingSet.empty(layout.accounts, layout.ring.size);
    const serves = (slot: number) => this.#serves[slot] === 1 && blocked?.has(slot) !== true;
    layout.slotsById.forEach((slot, rank) => {
      if (serves(slot)) set.byId.set(rank);
    });
    for (let position = 0; position < layout.ring.size; position++) {
      if (serves(layout.slotsById[layout.ring.ownerAt(position)] ?? 0)) set.byRing.set(position);
    }
    return set;
  }

  #reassess(slot: number, now: number): void {
    const entry = this.#entries[slot];
    if (entry === undefined) return;
    const { account, health } = entry;
    const usable = !account.disabled && !account.proxyDisabled;
    const accountBlock = usable ? health.accountBlockAt(now) : undefined;
    const modelBlocks = usable ? health.modelBlocksAt(now) : undefined;
    let wake = accountBlock?.until ?? Number.POSITIVE_INFINITY;
    for (const block of modelBlocks?.values() ?? []) wake = Math.min(wake, block.until);
    if (wake !== Number.POSITIVE_INFINITY) this.#wakeUp(slot, wake, now);
    this.#serves[slot] = usable && accountBlock === undefined ? 1 : 0;
    for (const model of modelBlocks?.keys() ?? []) this.#modelBlocks(model);
    for (const [model, blocks] of this.#models) {
      if (modelBlocks?.has(model) === true) blocks.blocked.add(slot);
      else blocks.blocked.delete(slot);
      if (blocks.blocked.size === 0) this.#models.delete(model);
    }
    this.#writeBits(slot);
  }

  #modelBlocks(model: string): ModelBlocks {
    let blocks = this.#models.get(model);
    if (blocks === undefined) {
      // Until its first block, a model's serving set is the common one.
      blocks = { blocked: new Set(), serving: this.#serving?.clone() };
      this.#models.set(model, blocks);
    }
    return blocks;
  }

  #wakeUp(slot: number, at: number, now: number): void {
    const pending = this.#wakeAt[slot] ?? NO_WAKE;
    if (pending !== NO_WAKE && pending > now && pending <= at) return;
    this.#wakeAt[slot] = at;
    this.#expiries.push(at, slot);
  }

  /** Copies the slot's flags into every serving set (nothing to do while the layout is stale). */
  #writeBits(slot: number): void {
    const layout = this.#layout;
    if (layout === undefined || this.#serving === undefined) return;
    const serves = this.#serves[slot] === 1;
    const rank = layout.rankOf(slot);
    if (rank < 0) return;
    const write = (set: ServingSet, on: boolean): void => {
      if (set.byId.has(rank) === on) return;
      if (on) set.byId.set(rank);
      else set.byId.clear(rank);
      layout.ring.forEachPositionOf(rank, this.#hashes[slot] ?? 0, (position) => {
        if (on) set.byRing.set(position);
        else set.byRing.clear(position);
      });
    };
    write(this.#serving, serves);
    for (const blocks of this.#models.values()) {
      if (blocks.serving !== undefined) write(blocks.serving, serves && !blocks.blocked.has(slot));
    }
  }
}
