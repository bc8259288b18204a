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
 *   Quota protection works the same way one level up: accounts protected for a quota group get a
 *   ServingSet of their own for that group, which requests for the group's models use; a model's
 *   own set (when it has one) leaves out its group's protected accounts too, so a request always
 *   asks exactly one set. With quota preference, each group also has a serving set per quota tier
 *   (quota-tiers.ts), and the strategy chooses within the best tier that has a candidate.
 * - Joining or leaving the pool changes the orders: the accounts are kept in a large layout and
 *   a small one of recent arrivals, merged as account-layout.ts tells.
 */

import { quotaGroupOf } from "../../accounts/quota.ts";
import type { Clock } from "../../time/clock.ts";
import type { PoolEntry } from "../pool-entry.ts";
import type { CandidateSet } from "../strategies/candidate-set.ts";
import { AccountLayout, type MergeOptions } from "./account-layout.ts";
import { type AvailabilityIndexOptions, defaultRecentBound } from "./availability-index-options.ts";
import { ExpiryHeap } from "./expiry-heap.ts";
import { idHash } from "./hash-ring.ts";
import { IndexedCandidates, type LastAnswer } from "./indexed-candidates.ts";
import { forgetSlot, trackSlot } from "./keyed-slots.ts";
import { TieredCandidates } from "./quota-tiers.ts";
import { buildLevel, type Level, levelView, tierView, writeSlotBits } from "./serving-levels.ts";
import { SlotFlags, TIER_GROUPS } from "./slot-flags.ts";

export class AvailabilityIndex {
  readonly #clock: Clock;
  readonly #slotOf = new Map<string, number>();
  #entries: (PoolEntry | undefined)[] = [];
  /** Each slot's account id ("" when free): read on every hashed choice, one load instead of three. */
  readonly #ids: string[] = [];
  readonly #freeSlots: number[] = [];
  readonly #flags: SlotFlags;
  /** The flags' per-model blocks and per-group protections, read by every choice. */
  readonly #blocked: ReadonlyMap<string, Set<number>>;
  readonly #protected: ReadonlyMap<string, Set<number>>;
  readonly #quotaTiers: boolean;
  readonly #expiries = new ExpiryHeap();
  #base: Level | undefined;
  #recent: Level | undefined;
  /** Slots of accounts that left while in the large (small) layout: free once it drops them. */
  #departedBase: number[] = [];
  #departedRecent: number[] = [];
  #last: LastAnswer = { id: undefined, base: 0, recent: 0 };
  /** Counts every change that can alter who serves (see `version`). */
  #version = 0;

  readonly #recentBound: (accounts: number) => number;

  constructor(clock: Clock, options: AvailabilityIndexOptions = {}) {
    this.#clock = clock;
    this.#recentBound = options.recentBound ?? defaultRecentBound;
    this.#quotaTiers = options.quotaTiers === true;
    this.#flags = new SlotFlags(this.#quotaTiers);
    this.#blocked = this.#flags.blocked;
    this.#protected = this.#flags.protected;
    const slotOf = this.#slotOf;
    const flags = this.#flags;
    this.#locate = (id) => {
      const slot = slotOf.get(id);
      return slot === undefined ? 0 : (flags.place[slot] ?? 0);
    };
    this.#hashOf = (slot) => flags.hashes[slot] ?? 0;
  }

  /**
   * Changes whenever who serves may have changed — an account joined, left or changed, or a block
   * came to its end — so a caller can cache what it derives from the pool until then. Blocks end
   * with time: a cache is also good only until `nextWakeAt`.
   */
  get version(): number {
    return this.#version;
  }

  /** The earliest time a block may end (+Infinity when none). */
  get nextWakeAt(): number {
    return this.#expiries.nextAt;
  }

  /** Starts following `entry` (a new account in the pool). */
  add(entry: PoolEntry): void {
    const id = entry.account.id;
    if (this.#slotOf.has(id)) this.remove(id);
    const slot = this.#freeSlots.pop() ?? this.#entries.length;
    this.#entries[slot] = entry;
    this.#ids[slot] = id;
    this.#slotOf.set(id, slot);
    this.#flags.claim(slot, idHash(id));
    this.#reassess(slot, this.#clock.now());
    if (this.#base !== undefined) this.#arrive(id, slot);
  }

  /** Stops following the account `id` (it left the pool). */
  remove(id: string): void {
    const slot = this.#slotOf.get(id);
    if (slot === undefined) return;
    const flags = this.#flags;
    this.#version += 1;
    this.#slotOf.delete(id);
    this.#entries[slot] = undefined;
    this.#ids[slot] = "";
    flags.serves[slot] = 0;
    forgetSlot(flags, slot, this.#base, this.#recent);
    const place = flags.place[slot] ?? 0;
    if (place === 0) {
      this.#freeSlots.push(slot);
      return;
    }
    // Its layout keeps the slot until it is merged away; clear bits take it out of every answer.
    this.#writeBits(slot);
    flags.place[slot] = 0;
    (place > 0 ? this.#departedBase : this.#departedRecent).push(slot);
    if (this.#departedBase.length > this.#purgeBound()) this.#mergeAll(true);
  }

  /** `entry`'s account or health changed: re-read it. */
  changed(entry: PoolEntry): void {
    const slot = this.#slotOf.get(entry.account.id);
    if (slot !== undefined && this.#entries[slot] === entry) this.#reassess(slot, this.#clock.now());
  }

  /** Lays out the accounts added so far, so that the first choice does not pay for it. */
  prepare(): void {
    if (this.#base === undefined) this.#buildBase();
  }

  /** The accounts that can serve a request for `model` now, less `exclude`. */
  candidates(model: string | undefined, exclude: ReadonlySet<string> | undefined): CandidateSet {
    const now = this.#clock.now();
    if (this.#expiries.nextAt <= now) this.#expiries.popDue(now, (slot) => this.#reassess(slot, now));
    const base = this.#base ?? this.#buildBase();
    // A request asks one set: its model's own, else its quota group's, else the common one.
    const ownModel =
      model !== undefined && this.#blocked.size > 0 && this.#blocked.has(model) ? model : undefined;
    const ownGroup = ownModel === undefined ? this.#protectedGroupOf(model) : undefined;
    const recent = this.#recent;
    const tried = exclude === undefined || exclude.size === 0 ? undefined : exclude;
    const all = new IndexedCandidates(
      levelView(base, ownModel, ownGroup),
      recent === undefined ? undefined : levelView(recent, ownModel, ownGroup),
      this.#locate,
      this.#idOf,
      this.#last,
      tried,
      now,
    );
    const group =
      !this.#quotaTiers || model === undefined ? -1 : TIER_GROUPS.indexOf(quotaGroupOf(model) ?? "");
    if (group < 0) return all;
    return new TieredCandidates(all, (tier) => this.#tierCandidates(group, tier, tried, ownModel, now));
  }

  /**
   * The candidates of one quota tier of `group`, less those tried; with `model` (when someone is
   * blocked for it), only the tier's accounts in that model's serving sets too.
   */
  #tierCandidates(
    group: number,
    tier: number,
    tried: ReadonlySet<string> | undefined,
    model: string | undefined,
    now: number,
  ): IndexedCandidates | undefined {
    const base = tierView(this.#base, group, tier, model);
    if (base === undefined) return undefined;
    return new IndexedCandidates(
      base,
      tierView(this.#recent, group, tier, model),
      this.#locate,
      this.#idOf,
      this.#last,
      tried,
      now,
    );
  }

  /** The quota group of `model` when some account is protected for it; else undefined. */
  #protectedGroupOf(model: string | undefined): string | undefined {
    if (model === undefined || this.#protected.size === 0) return undefined;
    const group = quotaGroupOf(model);
    return group !== undefined && this.#protected.has(group) ? group : undefined;
  }

  readonly #locate: (id: string) => number;
  readonly #hashOf: (slot: number) => number;
  readonly #idOf = (slot: number): string => this.#ids[slot] ?? "";
  readonly #keep = (slot: number): boolean => this.#entries[slot] !== undefined;

  #recentLimit(): number {
    return this.#recentBound(this.#slotOf.size);
  }

  /** Departed accounts' points stay on the large ring until they are a sixteenth of it. */
  #purgeBound(): number {
    return Math.max(this.#recentLimit(), this.#slotOf.size >>> 4);
  }

  #buildBase(): Level {
    const ids = [...this.#slotOf.keys()];
    const layout = AccountLayout.build(ids, (id) => this.#slotOf.get(id) ?? 0, this.#hashOf);
    this.#recent = undefined;
    this.#free(this.#departedBase);
    this.#free(this.#departedRecent);
    return this.#install(layout, true);
  }

  /** Merges the newcomer into the small layout, or both layouts into a new large one when it is due. */
  #arrive(id: string, slot: number): void {
    this.#version += 1;
    const alone = AccountLayout.build([id], () => slot, this.#hashOf);
    const recent = this.#recent?.layout;
    const merged =
      recent === undefined
        ? alone
        : AccountLayout.merge(recent, alone, this.#merging(this.#departedRecent.length > 0));
    this.#free(this.#departedRecent);
    this.#install(merged, false);
    if (merged.accounts > this.#recentLimit()) this.#mergeAll(false);
  }

  /** Merges the small layout into the large one; with `purge`, also drops departed slots' points. */
  #mergeAll(purge: boolean): void {
    const base = this.#base;
    if (base === undefined) return;
    const recent = this.#recent?.layout ?? AccountLayout.build([], () => 0, this.#hashOf);
    const merged = AccountLayout.merge(base.layout, recent, this.#merging(purge));
    this.#recent = undefined;
    this.#free(this.#departedRecent);
    if (purge) this.#free(this.#departedBase);
    this.#install(merged, true);
  }

  #merging(purge: boolean): MergeOptions {
    return { keep: this.#keep, idOf: this.#idOf, purge };
  }

  #free(slots: number[]): void {
    for (const slot of slots) this.#freeSlots.push(slot);
    slots.length = 0;
  }

  /** Makes `layout` the large (or small) layout: places, serving sets, a fresh rotation memory. */
  #install(layout: AccountLayout, large: boolean): Level {
    const place = this.#flags.place;
    layout.slotsById.forEach((slot, rank) => {
      place[slot] = large ? rank + 1 : -(rank + 1);
    });
    const level = buildLevel(layout, this.#flags);
    if (large) this.#base = level;
    else this.#recent = level;
    this.#last = { id: undefined, base: 0, recent: 0 };
    return level;
  }

  #reassess(slot: number, now: number): void {
    const entry = this.#entries[slot];
    if (entry === undefined) return;
    this.#version += 1;
    const { account, health } = entry;
    const usable = !account.disabled && !account.proxyDisabled;
    const accountBlock = usable ? health.accountBlockAt(now) : undefined;
    const modelBlocks = usable ? health.modelBlocksAt(now) : undefined;
    const protections = usable ? entry.protectionsAt(now) : undefined;
    let wake = accountBlock?.until ?? Number.POSITIVE_INFINITY;
    for (const block of modelBlocks?.values() ?? []) wake = Math.min(wake, block.until);
    for (const block of protections?.values() ?? []) wake = Math.min(wake, block.until);
    if (wake !== Number.POSITIVE_INFINITY && this.#flags.wakeUp(slot, wake, now))
      this.#expiries.push(wake, slot);
    this.#flags.serves[slot] = usable && accountBlock === undefined ? 1 : 0;
    this.#flags.setTiers(slot, account.quota);
    trackSlot(this.#flags, slot, modelBlocks, protections, this.#base, this.#recent);
    this.#writeBits(slot);
  }

  /** Copies the slot's flags into its layout's serving sets (nothing to do while it has none). */
  #writeBits(slot: number): void {
    const place = this.#flags.place[slot] ?? 0;
    const level = place > 0 ? this.#base : place < 0 ? this.#recent : undefined;
    if (level !== undefined) writeSlotBits(level, slot, Math.abs(place) - 1, this.#flags);
  }
}
