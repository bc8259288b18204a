/**
 * Tells when an account's quota protection starts and ends — logged once and reported to the
 * observer (which counts it) — however it changed: a new quota in the store, a record the
 * reference wrote, or a reset time that passed. It keeps the groups it last announced per
 * account (only for accounts with some), and compares whenever the pool asks it to look again.
 */
import type { Logger } from "../log/logger.ts";
import type { Clock } from "../time/clock.ts";
import type { PoolEntry } from "./pool-entry.ts";
import { notify, type PoolObserver } from "./pool-observer.ts";

export class ProtectionAnnouncer {
  readonly #announced = new Map<string, ReadonlySet<string>>();
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #observer: PoolObserver;
  readonly #store: string;

  constructor(options: { clock: Clock; log: Logger; observer: PoolObserver; store: string }) {
    this.#clock = options.clock;
    this.#log = options.log;
    this.#observer = options.observer;
    this.#store = options.store;
  }

  /** Compares the entry's protections now with what was announced, and announces the difference. */
  review(entry: PoolEntry): void {
    const { id, email } = entry.account;
    const before = this.#announced.get(id);
    const now = entry.protectionsAt(this.#clock.now());
    if (before === undefined && now.size === 0) return;
    const event = { accountId: id, email, store: this.#store };
    for (const [group, block] of now) {
      if (before?.has(group) === true) continue;
      const back = Number.isFinite(block.until)
        ? new Date(block.until).toISOString()
        : "its next quota fetch";
      this.#log.info(`Account ${email} protected for ${group}: its quota is low; back at ${back}`, {
        account: id,
        group,
      });
      notify(this.#observer, "quotaProtected", { ...event, group, until: block.until });
    }
    for (const group of before ?? []) {
      if (now.has(group)) continue;
      this.#log.info(`Account ${email} serves ${group} again: its quota is back`, { account: id, group });
      notify(this.#observer, "quotaRestored", { ...event, group });
    }
    if (now.size === 0) this.#announced.delete(id);
    else this.#announced.set(id, new Set(now.keys()));
  }

  /** The account left the pool: its protections end with it, unannounced. */
  forget(accountId: string): void {
    this.#announced.delete(accountId);
  }
}
