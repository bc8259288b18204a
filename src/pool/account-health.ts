/**
 * The in-memory, temporary state that keeps a healthy account out of rotation for a while:
 * cooldowns (whole account or one model), validation blocks, failure streaks. Persistent states
 * (disabled, proxy_disabled) live on the Account itself.
 */
import {
  FORBIDDEN_COOLDOWN_MS,
  FORBIDDEN_STREAK_LIMIT,
  transientBackoffMs,
  VALIDATION_BLOCK_MS,
} from "./cooldown-policy.ts";

export type BlockReason =
  | "transient"
  | "rate_limited"
  | "validation_required"
  | "forbidden"
  | "upstream_error"
  /** Derived from the stored quota (pool-entry.ts), never set on a health. */
  | "quota_protection";

export interface Block {
  readonly until: number;
  readonly reason: BlockReason;
  readonly detail?: string;
}

export class AccountHealth {
  #accountBlock: Block | undefined;
  /** Created on the first model block: most accounts never get one. */
  #modelBlocks: Map<string, Block> | undefined;
  #transientStreak = 0;
  #forbiddenStreak = 0;

  /**
   * Hears every change to the blocks (not their expiry); a subclass re-indexes its account here.
   * A method, not a callback: a pool holds one health per account, and a closure each would cost
   * more memory than the health itself.
   */
  protected blocksChanged(): void {}

  /** The block in force for a request to `model` at `now`, if any. */
  blockAt(now: number, model?: string): Block | undefined {
    const blocks = [this.#accountBlock, model === undefined ? undefined : this.#modelBlocks?.get(model)];
    let longest: Block | undefined;
    for (const block of blocks) {
      if (
        block !== undefined &&
        block.until > now &&
        (longest === undefined || block.until > longest.until)
      ) {
        longest = block;
      }
    }
    return longest;
  }

  /** The account-wide block in force at `now` (model blocks do not make an account unavailable). */
  accountBlockAt(now: number): Block | undefined {
    const block = this.#accountBlock;
    return block !== undefined && block.until > now ? block : undefined;
  }

  modelBlocksAt(now: number): ReadonlyMap<string, Block> {
    const live = new Map<string, Block>();
    const blocks = this.#modelBlocks;
    if (blocks === undefined) return live;
    for (const [model, block] of blocks) {
      if (block.until > now) live.set(model, block);
      else blocks.delete(model);
    }
    return live;
  }

  block(block: Block, model?: string): void {
    if (model === undefined) {
      this.#accountBlock = longer(this.#accountBlock, block);
    } else {
      this.#modelBlocks ??= new Map();
      this.#modelBlocks.set(model, longer(this.#modelBlocks.get(model), block));
    }
    this.blocksChanged();
  }

  /** A transient failure: back off 10 s, doubling up to 5 min. Returns the block set. */
  recordTransientFailure(now: number, detail: string): Block {
    this.#transientStreak += 1;
    const block: Block = {
      until: now + transientBackoffMs(this.#transientStreak),
      reason: "transient",
      detail,
    };
    this.block(block);
    return block;
  }

  recordValidationRequired(now: number, url: string | undefined): Block {
    const block: Block =
      url === undefined
        ? { until: now + VALIDATION_BLOCK_MS, reason: "validation_required" }
        : { until: now + VALIDATION_BLOCK_MS, reason: "validation_required", detail: url };
    this.block(block);
    return block;
  }

  /** A 403: cool down 10 min; returns true when the streak calls for proxy_disabled. */
  recordForbidden(now: number, detail: string): boolean {
    this.#forbiddenStreak += 1;
    this.block({ until: now + FORBIDDEN_COOLDOWN_MS, reason: "forbidden", detail });
    return this.#forbiddenStreak >= FORBIDDEN_STREAK_LIMIT;
  }

  recordRefreshSuccess(): void {
    this.#transientStreak = 0;
    if (this.#accountBlock?.reason !== "transient") return;
    this.#accountBlock = undefined;
    this.blocksChanged();
  }

  recordUpstreamSuccess(): void {
    this.#forbiddenStreak = 0;
    this.#transientStreak = 0;
  }

  /** Clears every temporary block, e.g. when the account's token is replaced. */
  reset(): void {
    this.#accountBlock = undefined;
    this.#modelBlocks = undefined;
    this.#transientStreak = 0;
    this.#forbiddenStreak = 0;
    this.blocksChanged();
  }
}

function longer(current: Block | undefined, next: Block): Block {
  return current === undefined || next.until >= current.until ? next : current;
}
