/**
 * One account layout with its serving sets — for requests of any model, per model someone is
 * blocked for, per quota group someone is protected for, and per quota tier — built from the slot
 * flags and kept in step with them, one slot at a time.
 */
import { quotaGroupOf } from "../../accounts/quota.ts";
import type { AccountLayout } from "./account-layout.ts";
import type { LevelView } from "./indexed-candidates.ts";
import { TIER_COUNT } from "./quota-tiers.ts";
import { ServingSet } from "./serving-set.ts";
import { type SlotFlags, TIER_GROUPS } from "./slot-flags.ts";
import { SummaryBitset } from "./summary-bitset.ts";

export interface Level {
  readonly layout: AccountLayout;
  readonly common: ServingSet;
  readonly byModel: Map<string, ServingSet>;
  readonly byGroup: Map<string, ServingSet>;
  /** With quota preference: per group (TIER_GROUPS order), per tier, who serves the group. */
  readonly byTier: ServingSet[][] | undefined;
}

/** The serving sets of `layout` as the flags stand. */
export function buildLevel(layout: AccountLayout, flags: SlotFlags): Level {
  const level: Level = {
    layout,
    common: servingSet(layout, flags.serves, undefined),
    byModel: new Map(),
    byGroup: new Map(),
    byTier: flags.tiers === undefined ? undefined : TIER_GROUPS.map((_, g) => tierSets(layout, flags, g)),
  };
  for (const [group, protectedSlots] of flags.protected)
    level.byGroup.set(group, servingSet(layout, flags.serves, protectedSlots));
  for (const [model, blocked] of flags.blocked) {
    const group = quotaGroupOf(model);
    const protectedSlots = group === undefined ? undefined : flags.protected.get(group);
    const out = protectedSlots === undefined ? blocked : new Set([...blocked, ...protectedSlots]);
    level.byModel.set(model, servingSet(layout, flags.serves, out));
  }
  return level;
}

/** Copies the flags of `slot` (at `rank` in the level's layout) into the level's serving sets. */
export function writeSlotBits(level: Level, slot: number, rank: number, flags: SlotFlags): void {
  const serves = flags.serves[slot] === 1;
  const { ring } = level.layout;
  const write = (set: ServingSet, on: boolean): void => {
    if (set.byId.has(rank) === on) return;
    if (on) set.byId.set(rank);
    else set.byId.clear(rank);
    ring.forEachPositionOf(slot, flags.hashes[slot] ?? 0, (position) => {
      if (on) set.byRing.set(position);
      else set.byRing.clear(position);
    });
  };
  write(level.common, serves);
  for (const [group, set] of level.byGroup) write(set, serves && !flags.isProtected(group, slot));
  level.byTier?.forEach((sets, g) => {
    const tier = flags.tierAt(slot, g);
    const on = serves && !flags.isProtected(TIER_GROUPS[g], slot);
    sets.forEach((set, t) => {
      write(set, on && t === tier);
    });
  });
  for (const [model, set] of level.byModel) {
    const out = flags.blocked.get(model)?.has(slot) === true || flags.isProtected(quotaGroupOf(model), slot);
    write(set, serves && !out);
  }
}

/** Until its first block, a model's serving sets are its group's (the common ones when none). */
export function addModelSets(level: Level | undefined, model: string): void {
  if (level === undefined) return;
  const group = quotaGroupOf(model);
  const from = (group === undefined ? undefined : level.byGroup.get(group)) ?? level.common;
  level.byModel.set(model, from.clone());
}

/** Until its first protection, a group's serving sets are the common ones. */
export function addGroupSets(level: Level | undefined, group: string): void {
  level?.byGroup.set(group, level.common.clone());
}

/** The level's serving set for a request: its model's own (`model`), its group's (`group`), or the common one. */
export function levelView(level: Level, model: string | undefined, group: string | undefined): LevelView {
  const own =
    model !== undefined
      ? level.byModel.get(model)
      : group !== undefined
        ? level.byGroup.get(group)
        : undefined;
  return { layout: level.layout, serving: own ?? level.common };
}

/**
 * The level's serving set of one quota tier of group `g` (TIER_GROUPS order), with `model`'s own
 * set as `also` when someone is blocked for the model; undefined when the level has no such set.
 */
export function tierView(
  level: Level | undefined,
  g: number,
  tier: number,
  model: string | undefined,
): LevelView | undefined {
  const serving = level?.byTier?.[g]?.[tier];
  if (level === undefined || serving === undefined) return undefined;
  return { layout: level.layout, serving, also: model === undefined ? undefined : level.byModel.get(model) };
}

/** The serving sets of each tier of group `g` in `layout`: serving, not protected, in the tier. */
function tierSets(layout: AccountLayout, flags: SlotFlags, g: number): ServingSet[] {
  const protectedSlots = flags.protected.get(TIER_GROUPS[g] ?? "");
  return Array.from({ length: TIER_COUNT }, (_, tier) => {
    const serves = flags.serves.map((on, slot) =>
      on === 1 && flags.tierAt(slot, g) === tier && protectedSlots?.has(slot) !== true ? 1 : 0,
    );
    return servingSetOf(layout, serves);
  });
}

function servingSet(
  layout: AccountLayout,
  serving: Uint8Array,
  blocked: ReadonlySet<number> | undefined,
): ServingSet {
  let serves = serving;
  if (blocked !== undefined && blocked.size > 0) {
    serves = serves.slice();
    for (const slot of blocked) serves[slot] = 0;
  }
  return servingSetOf(layout, serves);
}

/** The serving set of `layout` whose accounts are the slots `serves` marks with 1. */
function servingSetOf(layout: AccountLayout, serves: Uint8Array): ServingSet {
  return new ServingSet(
    SummaryBitset.from(layout.slotsById, serves),
    SummaryBitset.from(layout.ring.sorted.pairs, serves, 2, 1),
  );
}
