/**
 * Which slots are blocked for each model and protected for each quota group, kept as blocks come
 * and go, with the levels' per-model and per-group serving sets made and dropped in step: a key
 * has its own sets exactly while some slot is blocked or protected for it.
 */
import { addGroupSets, addModelSets, type Level } from "./serving-levels.ts";
import type { SlotFlags } from "./slot-flags.ts";

/** Models (by name) or quota groups: where their slots are kept, and their serving sets. */
interface KeyKind {
  slotsOf(flags: SlotFlags): Map<string, Set<number>>;
  addSets(level: Level | undefined, key: string): void;
  dropSets(level: Level | undefined, key: string): void;
}

const MODELS: KeyKind = {
  slotsOf: (flags) => flags.blocked,
  addSets: addModelSets,
  dropSets: (level, model) => level?.byModel.delete(model),
};

const GROUPS: KeyKind = {
  slotsOf: (flags) => flags.protected,
  addSets: addGroupSets,
  dropSets: (level, group) => level?.byGroup.delete(group),
};

/**
 * Puts `slot` under the models of `modelBlocks` and the groups of `protections`, and takes it
 * from the others; the large (`base`) and small (`recent`) levels' sets follow.
 */
export function trackSlot(
  flags: SlotFlags,
  slot: number,
  modelBlocks: ReadonlyMap<string, unknown> | undefined,
  protections: ReadonlyMap<string, unknown> | undefined,
  base: Level | undefined,
  recent: Level | undefined,
): void {
  // Groups first: a model's new set starts from its group's.
  track(GROUPS, flags, slot, protections, base, recent);
  track(MODELS, flags, slot, modelBlocks, base, recent);
}

/** Takes `slot` from every model and group (its account left the pool). */
export function forgetSlot(
  flags: SlotFlags,
  slot: number,
  base: Level | undefined,
  recent: Level | undefined,
): void {
  forget(MODELS, flags, slot, base, recent);
  forget(GROUPS, flags, slot, base, recent);
}

function track(
  kind: KeyKind,
  flags: SlotFlags,
  slot: number,
  now: ReadonlyMap<string, unknown> | undefined,
  base: Level | undefined,
  recent: Level | undefined,
): void {
  const slots = kind.slotsOf(flags);
  for (const key of now?.keys() ?? []) {
    if (slots.has(key)) continue;
    slots.set(key, new Set());
    kind.addSets(base, key);
    kind.addSets(recent, key);
  }
  for (const [key, keySlots] of slots) {
    if (now?.has(key) === true) keySlots.add(slot);
    else if (keySlots.delete(slot) && keySlots.size === 0) drop(kind, slots, key, base, recent);
  }
}

function forget(
  kind: KeyKind,
  flags: SlotFlags,
  slot: number,
  base: Level | undefined,
  recent: Level | undefined,
): void {
  const slots = kind.slotsOf(flags);
  for (const [key, keySlots] of slots) {
    if (keySlots.delete(slot) && keySlots.size === 0) drop(kind, slots, key, base, recent);
  }
}

function drop(
  kind: KeyKind,
  slots: Map<string, Set<number>>,
  key: string,
  base: Level | undefined,
  recent: Level | undefined,
): void {
  slots.delete(key);
  kind.dropSets(base, key);
  kind.dropSets(recent, key);
}
