/**
 * What the availability index knows of each account slot between changes: whether it serves, its
 * ring hash, its pending wake-up, its quota tier per group, and which models it is blocked for and
 * which quota groups it is protected for. Columns of typed arrays, one entry per slot.
 */
import { type AccountQuota, groupQuota, QUOTA_GROUPS } from "../../accounts/quota.ts";
import { tierOf } from "./quota-tiers.ts";

/** The groups quota tiers are kept for: every group quotaGroupOf names. */
export const TIER_GROUPS: readonly string[] = QUOTA_GROUPS;

/** No wake-up pending for a slot. */
export const NO_WAKE = 0;

const INITIAL_SLOTS = 16;

export class SlotFlags {
  /** 1 for a slot whose account can serve (usable, no account-wide block), else 0. */
  serves = new Uint8Array(INITIAL_SLOTS);
  hashes = new Float64Array(INITIAL_SLOTS);
  /** Where each slot sits: 0 in no layout, rank + 1 in the large one, -(rank + 1) in the small one. */
  place = new Int32Array(INITIAL_SLOTS);
  /** The earliest wake-up on the heap for each slot (NO_WAKE when none is pending). */
  wakeAt = new Float64Array(INITIAL_SLOTS);
  /** With quota preference: each slot's tier per group (slot × TIER_GROUPS.length + group). */
  tiers: Uint8Array | undefined;
  /** Slots of serving-capable accounts blocked for each model (only models with such a block). */
  readonly blocked = new Map<string, Set<number>>();
  /** Slots of serving-capable accounts protected for each quota group (only groups with one). */
  readonly protected = new Map<string, Set<number>>();

  constructor(quotaTiers: boolean) {
    if (quotaTiers) this.tiers = new Uint8Array(INITIAL_SLOTS * TIER_GROUPS.length);
  }

  /** Makes room for `slots` slots, at least doubling when it grows. */
  ensureCapacity(slots: number): void {
    if (slots <= this.serves.length) return;
    const capacity = Math.max(slots, this.serves.length * 2);
    this.hashes = grown(this.hashes, new Float64Array(capacity));
    this.serves = grown(this.serves, new Uint8Array(capacity));
    this.place = grown(this.place, new Int32Array(capacity));
    this.wakeAt = grown(this.wakeAt, new Float64Array(capacity));
    if (this.tiers !== undefined)
      this.tiers = grown(this.tiers, new Uint8Array(capacity * TIER_GROUPS.length));
  }

  /** A new account in `slot`: its ring hash, and nothing else known yet (in no layout, not serving). */
  claim(slot: number, hash: number): void {
    this.ensureCapacity(slot + 1);
    this.hashes[slot] = hash;
    this.serves[slot] = 0;
    this.place[slot] = 0;
    this.wakeAt[slot] = NO_WAKE;
  }

  /** The slot's quota tier in each group, from its quota (an account without quota data is full). */
  setTiers(slot: number, quota: AccountQuota | undefined): void {
    const tiers = this.tiers;
    if (tiers === undefined) return;
    TIER_GROUPS.forEach((group, g) => {
      tiers[slot * TIER_GROUPS.length + g] = tierOf(
        quota === undefined ? undefined : groupQuota(quota, group)?.percentage,
      );
    });
  }

  /** The slot's tier in group `g` (TIER_GROUPS order); undefined without quota preference. */
  tierAt(slot: number, g: number): number | undefined {
    return this.tiers?.[slot * TIER_GROUPS.length + g];
  }

  /**
   * Records that the slot must be re-read at `at`; true when the caller must put it on the heap
   * (no earlier wake-up of the slot is still pending).
   */
  wakeUp(slot: number, at: number, now: number): boolean {
    const pending = this.wakeAt[slot] ?? NO_WAKE;
    if (pending !== NO_WAKE && pending > now && pending <= at) return false;
    this.wakeAt[slot] = at;
    return true;
  }

  isProtected(group: string | undefined, slot: number): boolean {
    return group !== undefined && this.protected.get(group)?.has(slot) === true;
  }
}

function grown<T extends Float64Array | Uint8Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
