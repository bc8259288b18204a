/** One account as the pool holds it: the stored account, its temporary health, its refresh in flight. */
import type { Account } from "../accounts/account.ts";
import { protectedGroups, type QuotaPolicy, quotaGroupOf } from "../accounts/quota.ts";
import { storedState } from "../accounts/stored-state.ts";
import type { TokenFailure } from "../accounts/token-failure.ts";
import type { Result } from "../result.ts";
import { AccountHealth, type Block } from "./account-health.ts";

/** Where an account stands in the pool, as the admin API, /readyz and the metrics name it. */
export const ACCOUNT_STATES = ["active", "disabled", "proxy_disabled", "cooldown"] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export interface PoolEntry {
  /** Replacing it tells the pool's index (see createEntry). */
  account: Account;
  readonly health: AccountHealth;
  /** The single refresh in flight for this account; every concurrent caller awaits it. */
  refreshing: Promise<Result<Account, TokenFailure>> | undefined;
  /**
   * The quota groups the account is protected for at `now` (epoch ms), each with its block (until
   * the group's quota resets; +Infinity: until a fetch shows quota again). Derived from the stored
   * quota and the pool's policy, never stored in the health: every replica derives the same.
   */
  protectionsAt(now: number): ReadonlyMap<string, Block>;
}

/** What every entry of one pool shares: one object, so an entry holds one pointer for it. */
export interface EntryContext {
  /** Hears every replacement of the account and every change to its health's blocks. */
  readonly onChange?: (entry: PoolEntry) => void;
  /** Quota protection as configured; undefined when off (listed groups are still honoured). */
  readonly quotaPolicy?: QuotaPolicy;
}

const NO_PROTECTIONS: ReadonlyMap<string, Block> = new Map();

/**
 * The validation block the stored account carries (the reference system's
 * `validation_blocked_until`), as the pool's own blocks look.
 */
function storedValidationBlock(account: Account): Block | undefined {
  const until = account.validationBlockedUntil;
  if (until === undefined) return undefined;
  const block: Block = { until: until * 1000, reason: "validation_required" };
  return account.validationUrl === undefined ? block : { ...block, detail: account.validationUrl };
}

function longest(a: Block | undefined, b: Block | undefined, now: number): Block | undefined {
  const live = [a, b].filter((block): block is Block => block !== undefined && block.until > now);
  return live.reduce<Block | undefined>(
    (best, block) => (best === undefined || block.until > best.until ? block : best),
    undefined,
  );
}

/**
 * An entry's health also holds the validation block written in its stored account, read from
 * the account each time: it holds however the pool replaces the account (a block the reference
 * adds while we run counts at once), survives reset() (the record still says so), and ends when
 * the record lifts it or its time passes. Nothing is written back.
 */
class EntryHealth extends AccountHealth {
  readonly #entry: Entry;

  constructor(entry: Entry) {
    super();
    this.#entry = entry;
  }

  override blockAt(now: number, model?: string): Block | undefined {
    const own = longest(super.blockAt(now, model), storedValidationBlock(this.#entry.account), now);
    const group = model === undefined ? undefined : quotaGroupOf(model);
    return group === undefined ? own : longest(own, this.#entry.protectionsAt(now).get(group), now);
  }

  override accountBlockAt(now: number): Block | undefined {
    return longest(super.accountBlockAt(now), storedValidationBlock(this.#entry.account), now);
  }

  protected override blocksChanged(): void {
    this.#entry.changed();
  }
}

/** A pool holds one per account: no closures of its own (the pool passes one context to all). */
class Entry implements PoolEntry {
  #account: Account;
  readonly health: AccountHealth;
  refreshing: Promise<Result<Account, TokenFailure>> | undefined = undefined;
  readonly #context: EntryContext;

  constructor(account: Account, context: EntryContext) {
    this.#account = account;
    this.#context = context;
    this.health = new EntryHealth(this);
  }

  protectionsAt(now: number): ReadonlyMap<string, Block> {
    const account = this.#account;
    if (
      account.protectedModels === undefined &&
      (account.quota === undefined || this.#context.quotaPolicy === undefined)
    )
      return NO_PROTECTIONS;
    const groups = protectedGroups(account, this.#context.quotaPolicy, Math.floor(now / 1000));
    if (groups.size === 0) return NO_PROTECTIONS;
    const blocks = new Map<string, Block>();
    for (const [group, untilSeconds] of groups)
      blocks.set(group, { until: untilSeconds * 1000, reason: "quota_protection", detail: group });
    return blocks;
  }

  get account(): Account {
    return this.#account;
  }

  set account(next: Account) {
    this.#account = next;
    this.changed();
  }

  changed(): void {
    this.#context.onChange?.(this);
  }
}

/**
 * An entry for `account`. The context's `onChange` hears every replacement of the account and
 * every change to its health's blocks — whoever makes it (refresher, disabler, upstream verdicts,
 * store events) — so the pool's availability index never has to look for changes.
 */
export function createEntry(account: Account, context: EntryContext = {}): PoolEntry {
  return new Entry(account, context);
}

/** Why an account cannot serve a request for `model` now, or "active". Checked in SPEC §5.1's order. */
export function stateOf(entry: PoolEntry, now: number, model?: string): AccountState {
  const stored = storedState(entry.account);
  if (stored !== "active") return stored;
  return entry.health.blockAt(now, model) === undefined ? "active" : "cooldown";
}

export function blockOf(entry: PoolEntry, now: number, model?: string): Block | undefined {
  return entry.health.blockAt(now, model);
}

/**
 * The account as the store now reports it, keeping a fresher access token that this process
 * obtained for the same refresh token (the store's copy may lag behind our own write).
 */
export function mergeStored(current: Account, stored: Account): Account {
  const sameCredentials = current.token.refreshToken === stored.token.refreshToken;
  if (sameCredentials && current.token.expiryTimestamp > stored.token.expiryTimestamp) {
    return { ...stored, token: current.token };
  }
  return stored;
}
